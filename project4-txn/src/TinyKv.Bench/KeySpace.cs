using System.Globalization;
using System.Text;

namespace TinyKv.Bench;

/// <summary>
/// The keys a run touches: <c>k</c> followed by the key's index in decimal, zero-padded to the
/// key size (<c>k000000000000042</c> for index 42 at 16 bytes). Every key starts with <c>k</c>,
/// never with the byte <c>0x01</c> a TinyKV store keeps for itself, and key <c>i</c> is the same
/// bytes in every run, so a preloaded key space is found again by a later run.
/// </summary>
public sealed class KeySpace
{
    /// <summary>A key space of <paramref name="count"/> keys of <paramref name="keySize"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is not positive, or the size cannot hold <c>k</c> and the largest index.</exception>
    public KeySpace(int count, int keySize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var needed = MinimumKeySize(count);
        if (keySize < needed)
        {
            throw new ArgumentOutOfRangeException(nameof(keySize), keySize, $"a key space of {count} keys needs keys of at least {needed} bytes ('k' and {needed - 1} digits)");
        }

        Count = count;
        KeySize = keySize;
    }

    /// <summary>How many distinct keys there are.</summary>
    public int Count { get; }

    /// <summary>The size of every key, in bytes.</summary>
    public int KeySize { get; }

    /// <summary>The smallest key size that can name <paramref name="count"/> keys.</summary>
    public static int MinimumKeySize(int count) =>
        1 + Math.Max(1, (count - 1).ToString(CultureInfo.InvariantCulture).Length);

    /// <summary>The key with index <paramref name="index"/> (0 to <see cref="Count"/> - 1).</summary>
    public byte[] Key(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var digits = index.ToString(CultureInfo.InvariantCulture).PadLeft(KeySize - 1, '0');
        return Encoding.ASCII.GetBytes("k" + digits);
    }
}
