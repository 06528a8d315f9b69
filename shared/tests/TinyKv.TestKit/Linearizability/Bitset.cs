using System.Diagnostics;
using System.Numerics;

namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// The set of operations linearized so far, one bit per operation, any number of operations. It
/// keeps a Zobrist-style hash (the XOR of a mixed value per set bit) up to date on every change,
/// so hashing a search state costs nothing.
/// </summary>
internal sealed class Bitset : IEquatable<Bitset>
{
    private readonly ulong[] _words;
    private ulong _hash;

    /// <summary>An empty set able to hold bits 0 to <paramref name="size"/> - 1.</summary>
    public Bitset(int size) => _words = new ulong[(size + 63) / 64];

    private Bitset(ulong[] words, ulong hash)
    {
        _words = words;
        _hash = hash;
    }

    /// <summary>A hash of the set bits, maintained incrementally.</summary>
    public ulong Hash => _hash;

    /// <summary>How many bits are set.</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var word in _words)
            {
                count += BitOperations.PopCount(word);
            }

            return count;
        }
    }

    /// <summary>Sets bit <paramref name="index"/>, which must be clear.</summary>
    public void Set(int index)
    {
        Debug.Assert(!IsSet(index), "bit already set");
        _words[index >> 6] |= 1UL << (index & 63);
        _hash ^= Mix(index);
    }

    /// <summary>Clears bit <paramref name="index"/>, which must be set.</summary>
    public void Clear(int index)
    {
        Debug.Assert(IsSet(index), "bit already clear");
        _words[index >> 6] &= ~(1UL << (index & 63));
        _hash ^= Mix(index);
    }

    /// <summary>True when bit <paramref name="index"/> is set.</summary>
    public bool IsSet(int index) => (_words[index >> 6] & (1UL << (index & 63))) != 0;

    /// <summary>A copy that changes independently.</summary>
    public Bitset Clone() => new((ulong[])_words.Clone(), _hash);

    /// <inheritdoc/>
    public bool Equals(Bitset? other) =>
        other is not null && other._hash == _hash && _words.AsSpan().SequenceEqual(other._words);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Bitset);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)(_hash ^ (_hash >> 32));

    // SplitMix64 finaliser: unrelated 64-bit values for neighbouring indices.
    private static ulong Mix(int index)
    {
        var z = unchecked(((ulong)index + 1) * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
