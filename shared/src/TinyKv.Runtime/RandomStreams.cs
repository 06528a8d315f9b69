using System.Text;

namespace TinyKv.Runtime;

/// <summary>
/// One master seed, a separate deterministic generator per (subsystem, node): the election
/// timeouts of store 3 draw from their own stream, so adding a node or a draw elsewhere does
/// not shift anyone else's numbers, and one seed replays a whole cluster run.
/// </summary>
/// <remarks>
/// The stream seed is a stable hash (FNV-1a over the UTF-8 subsystem name, the node id and
/// the master seed, then a SplitMix64 finalizer), never <c>string.GetHashCode</c>, which
/// .NET randomizes per process. The generators are <see cref="Random(int)"/>, whose sequence
/// for a given seed is fixed across runs and .NET versions.
/// </remarks>
public sealed class RandomStreams
{
    private const ulong FnvOffsetBasis = 0xCBF29CE484222325UL;
    private const ulong FnvPrime = 0x100000001B3UL;

    /// <summary>Creates the streams of a run with master seed <paramref name="seed"/>.</summary>
    public RandomStreams(long seed) => Seed = seed;

    /// <summary>The master seed.</summary>
    public long Seed { get; }

    /// <summary>
    /// A fresh generator for <paramref name="subsystem"/> on node <paramref name="nodeId"/>;
    /// every call with the same arguments returns a generator with the same sequence, so the
    /// caller keeps the one it is given.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="subsystem"/> is empty.</exception>
    public Random Stream(string subsystem, ulong nodeId) => new(StreamSeed(Seed, subsystem, nodeId));

    /// <summary>The seed of the stream <paramref name="subsystem"/>/<paramref name="nodeId"/> under master seed <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="subsystem"/> is empty.</exception>
    public static int StreamSeed(long seed, string subsystem, ulong nodeId)
    {
        ArgumentException.ThrowIfNullOrEmpty(subsystem);
        var hash = StableHash(Encoding.UTF8.GetBytes(subsystem));
        hash = Mix(hash, nodeId);
        hash = Mix(hash, unchecked((ulong)seed));
        hash = SplitMix64(hash);
        return unchecked((int)hash ^ (int)(hash >> 32));
    }

    /// <summary>FNV-1a (64 bit) of <paramref name="bytes"/>: the same value in every process, unlike <c>GetHashCode</c>.</summary>
    public static ulong StableHash(ReadOnlySpan<byte> bytes) => Fnv1a(FnvOffsetBasis, bytes);

    private static ulong Mix(ulong hash, ulong value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return Fnv1a(hash, bytes);
    }

    private static ulong Fnv1a(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            hash ^= b;
            hash = unchecked(hash * FnvPrime);
        }

        return hash;
    }

    // FNV alone leaves nearby inputs with nearby high bits; the finalizer spreads them.
    private static ulong SplitMix64(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
