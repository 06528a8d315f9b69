using FluentAssertions;
using TinyKv.Codec;
using Xunit;

namespace TinyKv.Common.Tests;

public sealed class KeyCodecTests
{
    [Theory]
    [InlineData(new byte[0], 0UL)]
    [InlineData(new byte[] { 42 }, 1UL)]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 12345UL)]
    [InlineData(new byte[] { 0xFF, 0, 0xFF }, ulong.MaxValue)]
    public void A_key_and_timestamp_decode_back(byte[] userKey, ulong ts)
    {
        var encoded = KeyCodec.EncodeKey(userKey, ts);

        KeyCodec.DecodeUserKey(encoded).Should().Equal(userKey);
        KeyCodec.DecodeTimestamp(encoded).Should().Be(ts);
    }

    [Fact]
    public void The_timestamp_is_bit_inverted_big_endian_after_the_user_key()
    {
        var encoded = KeyCodec.EncodeKey([42], 1);

        encoded.Should().Equal(42, 0, 0, 0, 0, 0, 0, 0, 0xF8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE);
    }

    [Fact]
    public void Versions_of_one_key_sort_newest_first()
    {
        var older = KeyCodec.EncodeKey([7, 7], 10);
        var newer = KeyCodec.EncodeKey([7, 7], 20);

        newer.AsSpan().SequenceCompareTo(older).Should().BeNegative();
    }

    [Fact]
    public void Different_keys_sort_by_user_key_whatever_their_timestamps()
    {
        var low = KeyCodec.EncodeKey([1], 1);
        var high = KeyCodec.EncodeKey([1, 0], 1000);

        low.AsSpan().SequenceCompareTo(high).Should().BeNegative();
    }

    [Fact]
    public void A_key_without_a_timestamp_has_no_timestamp_to_decode()
    {
        var act = () => KeyCodec.DecodeTimestamp(MemComparable.EncodeBytes([1, 2]));

        act.Should().Throw<FormatException>().WithMessage("*8-byte timestamp*");
    }
}
