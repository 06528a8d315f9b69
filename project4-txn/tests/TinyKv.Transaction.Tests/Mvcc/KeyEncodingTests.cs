using FluentAssertions;
using TinyKv.Codec;
using Xunit;

namespace TinyKv.Transaction.Tests.Mvcc;

/// <summary>
/// The encoding of multi-version keys: the user key in memcomparable groups of 8 bytes, then the
/// complement of the timestamp big-endian. It is given code, not a slot, so these tests are
/// ungraded; they pin the layout the stored records of the other tests rely on. Ported from the
/// original course's MVCC tests.
/// </summary>
public sealed class KeyEncodingTests
{
    // Original: TestEncodeKey
    [Fact]
    public void Keys_are_encoded_byte_for_byte_as_in_the_original_and_sort_by_user_key_first()
    {
        KeyCodec.EncodeKey([], 0).Should().Equal(
            [0, 0, 0, 0, 0, 0, 0, 0, 247, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            "an empty user key is one group of padding, then timestamp 0 complemented");
        KeyCodec.EncodeKey([42], 0).Should().Equal(
            [42, 0, 0, 0, 0, 0, 0, 0, 248, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            "a one-byte key pads its group with 7 zeros and marks it 255 - 7");
        KeyCodec.EncodeKey([42, 0, 5], 0).Should().Equal(
            [42, 0, 5, 0, 0, 0, 0, 0, 250, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            "a three-byte key pads its group with 5 zeros and marks it 255 - 5");
        KeyCodec.EncodeKey([42], ~43543258743295UL).Should().Equal(
            [42, 0, 0, 0, 0, 0, 0, 0, 248, 0, 0, 39, 154, 52, 120, 65, 255],
            "the timestamp is stored complemented, big-endian");
        KeyCodec.EncodeKey([42, 0, 5], ~98753868UL).Should().Equal(
            [42, 0, 5, 0, 0, 0, 0, 0, 250, 0, 0, 0, 0, 5, 226, 221, 76],
            "the timestamp is stored complemented, big-endian");

        Compare(KeyCodec.EncodeKey([42], 238), KeyCodec.EncodeKey([200], 0)).Should().BeNegative(
            "key [42] sorts before key [200] whatever their timestamps");
        Compare(KeyCodec.EncodeKey([42], 238), KeyCodec.EncodeKey([42, 0], 0)).Should().BeNegative(
            "key [42] sorts before its extension [42 0] whatever their timestamps");
    }

    // Original: TestDecodeKey
    [Fact]
    public void The_user_key_decodes_back_from_an_encoded_key()
    {
        foreach (var (userKey, ts) in new (byte[], ulong)[]
        {
            ([], 0),
            ([42], 0),
            ([42, 0, 5], 0),
            ([42], 2342342355436234),
            ([42, 0, 5], 234234),
        })
        {
            KeyCodec.DecodeUserKey(KeyCodec.EncodeKey(userKey, ts)).Should().Equal(
                userKey,
                "[{0}] encoded at {1} decodes back to itself",
                string.Join(", ", userKey),
                ts);
        }
    }

    private static int Compare(byte[] left, byte[] right) => left.AsSpan().SequenceCompareTo(right);
}
