using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TinyKv.TestKit.Simulation;

/// <summary>
/// The history of a simulated run, one line per event (time, kind, text): every line is
/// folded into a running SHA-256 <see cref="Hash"/>, so two runs with the same seed can be
/// compared event for event by one string, and the last lines are kept for failure reports.
/// </summary>
public sealed class EventTrace : IDisposable
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly string[] _recent;
    private int _next;
    private string? _hash;

    /// <summary>Creates a trace that keeps the last <paramref name="retainedLines"/> lines (all lines feed the hash).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retainedLines"/> is not positive.</exception>
    public EventTrace(int retainedLines = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retainedLines);
        _recent = new string[retainedLines];
    }

    /// <summary>How many lines were recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The SHA-256 of every line so far, lowercase hex.</summary>
    public string Hash => _hash ??= Convert.ToHexStringLower(_sha.GetCurrentHash());

    /// <summary>Appends one line: <paramref name="time"/> in microseconds, a short <paramref name="kind"/> ("send", "deliver"…) and free text.</summary>
    /// <returns>The line as recorded.</returns>
    public string Record(long time, string kind, string text)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(text);
        var line = string.Create(CultureInfo.InvariantCulture, $"{time,12} {kind} {text}");
        _sha.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
        _hash = null;
        _recent[_next] = line;
        _next = (_next + 1) % _recent.Length;
        Count++;
        return line;
    }

    /// <summary>The last <paramref name="lines"/> lines (fewer if fewer were recorded or retained), oldest first.</summary>
    public IReadOnlyList<string> Tail(int lines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        var n = (int)Math.Min(Math.Min(lines, Count), _recent.Length);
        var tail = new string[n];
        for (var i = 0; i < n; i++)
        {
            var index = ((_next - n + i) % _recent.Length + _recent.Length) % _recent.Length;
            tail[i] = _recent[index];
        }

        return tail;
    }

    /// <inheritdoc/>
    public void Dispose() => _sha.Dispose();
}
