using System.Globalization;
using System.Text;

namespace TinyKv.TestKit.Linearizability;

/// <summary>How reports write operations, times and values.</summary>
internal static class OperationText
{
    // Values longer than this (an append-heavy key grows without bound) are shown with their middle elided.
    private const int MaxValueChars = 80;

    /// <summary>A virtual time in milliseconds, e.g. <c>12.350ms</c>; null (an open return) is <c>open</c>.</summary>
    public static string Time(long? micros) =>
        micros is { } t ? (t / 1000.0).ToString("0.000", CultureInfo.InvariantCulture) + "ms" : "open";

    /// <summary>The request and its answer, e.g. <c>put(k07, "x 3 5 y")</c> or <c>get(k07) -> "x 3 4 y"</c>.</summary>
    public static string Describe(KvOperation op)
    {
        var key = op.Input.Key;
        return op.Input.Kind switch
        {
            KvOpKind.Get when op.IsOpen => $"get({key}) -> ? (no answer)",
            KvOpKind.Get => $"get({key}) -> {Value(op.Output.Value)}",
            KvOpKind.Put => $"put({key}, {Value(op.Input.Value)})",
            KvOpKind.Append => $"append({key}, {Value(op.Input.Value)})",
            KvOpKind.Delete => $"delete({key})",
            _ => op.Input.Kind.ToString(),
        };
    }

    /// <summary>Report lines for <paramref name="operations"/>, by call time, with aligned columns.</summary>
    public static IReadOnlyList<string> Lines(IEnumerable<KvOperation> operations)
    {
        var ops = operations.OrderBy(op => op.CallTime).ThenBy(op => op.Id).ToList();
        var clientWidth = ops.Select(op => op.ClientId.ToString(CultureInfo.InvariantCulture).Length).DefaultIfEmpty(1).Max();
        var timeWidth = ops.SelectMany(op => new[] { Time(op.CallTime).Length, Time(op.ReturnTime).Length }).DefaultIfEmpty(1).Max();
        return [.. ops.Select(op =>
        {
            var client = op.ClientId.ToString(CultureInfo.InvariantCulture).PadRight(clientWidth);
            var call = Time(op.CallTime).PadLeft(timeWidth);
            var ret = Time(op.ReturnTime).PadLeft(timeWidth);
            return $"client {client}  [{call} .. {ret}]  {Describe(op)}";
        })];
    }

    /// <summary>A value as a quoted, escaped string (long ones elided in the middle), or <c>none</c> for an absent one.</summary>
    public static string Value(string? value)
    {
        if (value is null)
        {
            return "none";
        }

        var shown = value.Length <= MaxValueChars
            ? Escape(value)
            : $"{Escape(value[..(MaxValueChars / 2)])}…{Escape(value[^(MaxValueChars / 2)..])}";
        var quoted = $"\"{shown}\"";
        return value.Length <= MaxValueChars ? quoted : $"{quoted} ({value.Length} chars)";
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                _ when char.IsControl(c) => builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }
}
