using FluentAssertions;
using TinyKv.Codec;
using Xunit;

namespace TinyKv.Common.Tests;

public sealed class KeyCodecTests
{
    // The byte layouts below are the ones the original course's MVCC tests pin down: the
    // encoding is part of the on-disk contract, so it must match them exactly.
    [Theory]
    [InlineData(new byte[0], 0UL, new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0xF7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 42 }, 0UL, new byte[] { 42, 0, 0, 0, 0, 0, 0, 0, 0xF8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 42, 0, 5 }, 0UL, new byte[] { 42, 0, 5, 0, 0, 0, 0, 0, 0xFA, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 42 }, ~43543258743295UL, new byte[] { 42, 0, 0, 0, 0, 0, 0, 0, 0xF8, 0, 0, 39, 154, 52, 120, 65, 0xFF })]
    [InlineData(new byte[] { 42, 0, 5 }, ~98753868UL, new byte[] { 42, 0, 5, 0, 0, 0, 0, 0, 0xFA, 0, 0, 0, 0, 5, 226, 221, 76 })]
    [InlineData(new byte[] { 42 }, 1UL, new byte[] { 42, 0, 0, 0, 0, 0, 0, 0, 0xF8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE })]
    public void Encoding_matches_the_original_layout(byte[] userKey, ulong ts, byte[] expected) =>
        KeyCodec.EncodeKey(userKey, ts).Should().Equal(expected);

    [Theory]
    [InlineData(new byte[0], 0UL)]
    [InlineData(new byte[] { 42 }, 0UL)]
    [InlineData(new byte[] { 42, 0, 5 }, 0UL)]
    [InlineData(new byte[] { 42 }, 2342342355436234UL)]
    [InlineData(new byte[] { 42, 0, 5 }, 234234UL)]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, ulong.MaxValue)]
    public void The_user_key_decodes_back(byte[] userKey, ulong ts) =>
        KeyCodec.DecodeUserKey(KeyCodec.EncodeKey(userKey, ts)).Should().Equal(userKey);

    [Theory]
    [InlineData(new byte[0], 0UL)]
    [InlineData(new byte[] { 42 }, 1UL)]
    [InlineData(new byte[] { 42, 0, 5 }, 234234UL)]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, ulong.MaxValue)]
    public void The_timestamp_decodes_back(byte[] userKey, ulong ts) =>
        KeyCodec.DecodeTimestamp(KeyCodec.EncodeKey(userKey, ts)).Should().Be(ts);

    [Fact]
    public void Versions_of_one_key_sort_newest_first()
    {
        var keys = new[] { 5UL, 1000UL, 0UL, 42UL, ulong.MaxValue }.Select(ts => KeyCodec.EncodeKey([7, 7], ts)).ToList();

        keys.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));

        keys.Select(key => KeyCodec.DecodeTimestamp(key)).Should().Equal(ulong.MaxValue, 1000UL, 42UL, 5UL, 0UL);
    }

    [Theory]
    [InlineData(new byte[] { 42 }, 238UL, new byte[] { 200 }, 0UL)]
    [InlineData(new byte[] { 42 }, 238UL, new byte[] { 42, 0 }, 0UL)]
    [InlineData(new byte[] { 1 }, 1UL, new byte[] { 1, 0 }, 1000UL)]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7 }, 0UL, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, ulong.MaxValue)]
    public void Different_user_keys_sort_by_user_key_whatever_their_timestamps(byte[] lowKey, ulong lowTs, byte[] highKey, ulong highTs)
    {
        var low = KeyCodec.EncodeKey(lowKey, lowTs);
        var high = KeyCodec.EncodeKey(highKey, highTs);

        low.AsSpan().SequenceCompareTo(high).Should().BeNegative();
    }

    [Fact]
    public void A_key_without_a_timestamp_has_no_timestamp_to_decode()
    {
        var act = () => KeyCodec.DecodeTimestamp(MemComparable.EncodeBytes([1, 2]));

        act.Should().Throw<FormatException>().WithMessage("*8-byte timestamp*found 0*");
    }

    [Fact]
    public void A_key_with_extra_bytes_after_the_timestamp_is_refused()
    {
        byte[] encoded = [.. KeyCodec.EncodeKey([1, 2], 9), 0];

        var act = () => KeyCodec.DecodeTimestamp(encoded);

        act.Should().Throw<FormatException>().WithMessage("*found 9*");
    }

    [Fact]
    public void A_raw_key_is_not_an_encoded_key()
    {
        var act = () => KeyCodec.DecodeUserKey([1, 2, 3]);

        act.Should().Throw<FormatException>().WithMessage("*truncated*");
    }
}
