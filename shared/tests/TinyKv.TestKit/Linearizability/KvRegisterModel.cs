namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// The sequential specification of one key: a register whose state is a string or null (absent).
/// A put sets it, an append concatenates onto it (absent counts as ""), a delete clears it, and
/// a get must read exactly the current state.
/// </summary>
/// <remarks>
/// Values of append-heavy keys grow to kilobytes, and the search hashes and compares states at
/// every step, so a state carries a polynomial hash that an append extends in time proportional
/// to the appended text, not to the whole value. Each operation's hashes are computed once, by
/// <see cref="Prepare"/>.
/// </remarks>
internal static class KvRegisterModel
{
    /// <summary>The state of a key nobody wrote.</summary>
    public static RegisterState Initial { get; } = new(null, RegisterState.AbsentHash);

    /// <summary>What <see cref="Step"/> needs of one operation, hashed once.</summary>
    public readonly record struct Prepared(KvOpKind Kind, string? Text, ulong TextHash, ulong TextPower);

    /// <summary>Hashes the written value (put, append) or the read value (get) of <paramref name="op"/>.</summary>
    public static Prepared Prepare(KvOperation op)
    {
        var text = op.Input.Kind switch
        {
            KvOpKind.Get => op.Output.Value,
            KvOpKind.Put or KvOpKind.Append => op.Input.Value,
            _ => null,
        };
        var (hash, power) = RegisterState.HashOf(text);
        return new Prepared(op.Input.Kind, text, hash, power);
    }

    /// <summary>
    /// Applies the operation to <paramref name="state"/>: true and the next state when the
    /// operation's output is possible in that state, false when it is not.
    /// </summary>
    public static bool Step(RegisterState state, in Prepared op, out RegisterState next)
    {
        switch (op.Kind)
        {
            case KvOpKind.Get:
                next = state;
                return state.Hash == op.TextHash && string.Equals(state.Value, op.Text, StringComparison.Ordinal);
            case KvOpKind.Put:
                next = new RegisterState(op.Text, op.TextHash);
                return true;
            case KvOpKind.Append:
                var before = state.Value is null ? 0UL : state.Hash;
                next = new RegisterState(string.Concat(state.Value, op.Text), unchecked((before * op.TextPower) + op.TextHash));
                return true;
            case KvOpKind.Delete:
                next = Initial;
                return true;
            default:
                throw new InvalidOperationException($"unknown operation kind {op.Kind}");
        }
    }
}

/// <summary>A register value (null: absent) with its hash.</summary>
internal sealed class RegisterState(string? value, ulong hash) : IEquatable<RegisterState>
{
    /// <summary>The hash of the absent value; the empty string hashes to 0.</summary>
    public const ulong AbsentHash = 0x9E3779B97F4A7C15UL;

    private const ulong Base = 0x100000001B3UL;

    public string? Value { get; } = value;

    /// <summary>Σ text[i]·Base^(n-1-i) mod 2^64, so hash(a + b) = hash(a)·Base^|b| + hash(b).</summary>
    public ulong Hash { get; } = hash;

    /// <summary>The hash of <paramref name="text"/> and Base^length (for appending it).</summary>
    public static (ulong Hash, ulong Power) HashOf(string? text)
    {
        if (text is null)
        {
            return (AbsentHash, 1);
        }

        ulong hash = 0, power = 1;
        foreach (var c in text)
        {
            hash = unchecked((hash * Base) + c);
            power = unchecked(power * Base);
        }

        return (hash, power);
    }

    public bool Equals(RegisterState? other) =>
        other is not null && other.Hash == Hash && string.Equals(other.Value, Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as RegisterState);

    public override int GetHashCode() => (int)(Hash ^ (Hash >> 32));
}
