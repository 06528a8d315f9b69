using FluentAssertions;
using TinyKv.Codec;
using Xunit;

namespace TinyKv.Common.Tests;

public sealed class MemComparableTests
{
    [Theory]
    [InlineData(new byte[0], new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0xF7 })]
    [InlineData(new byte[] { 1, 2, 3 }, new byte[] { 1, 2, 3, 0, 0, 0, 0, 0, 0xFA })]
    [InlineData(new byte[] { 1, 2, 3, 0 }, new byte[] { 1, 2, 3, 0, 0, 0, 0, 0, 0xFB })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7 }, new byte[] { 1, 2, 3, 4, 5, 6, 7, 0, 0xFE })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0xF7 })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 9, 0, 0, 0, 0, 0, 0, 0, 0xF8 })]
    public void Encoding_matches_the_known_layout(byte[] raw, byte[] encoded) =>
        MemComparable.EncodeBytes(raw).Should().Equal(encoded);

    [Fact]
    public void Sixteen_bytes_take_two_full_groups_and_an_empty_one()
    {
        var encoded = MemComparable.EncodeBytes(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());

        encoded.Should().HaveCount(27);
        encoded[8].Should().Be(0xFF);
        encoded[17].Should().Be(0xFF);
        encoded[26].Should().Be(0xF7);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(100)]
    public void Decoding_returns_the_bytes_and_how_many_were_read(int length)
    {
        var raw = Enumerable.Range(0, length).Select(i => (byte)(i * 37)).ToArray();
        var encoded = MemComparable.EncodeBytes(raw);

        var decoded = MemComparable.DecodeBytes([.. encoded, 0xAB, 0xCD], out var consumed);

        decoded.Should().Equal(raw);
        consumed.Should().Be(encoded.Length);
    }

    [Fact]
    public void Encoded_keys_sort_as_the_raw_keys_do()
    {
        var random = new Random(20261124);
        for (var i = 0; i < 2000; i++)
        {
            var a = RandomKey(random);
            var b = RandomKey(random);

            Math.Sign(MemComparable.EncodeBytes(a).AsSpan().SequenceCompareTo(MemComparable.EncodeBytes(b)))
                .Should().Be(Math.Sign(a.AsSpan().SequenceCompareTo(b)), "keys {0} and {1}", Convert.ToHexString(a), Convert.ToHexString(b));
        }
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "truncated")]
    [InlineData(new byte[] { 1, 2, 3, 0, 0, 0, 0, 0, 0xF0 }, "marker")]
    [InlineData(new byte[] { 1, 2, 3, 0, 0, 0, 0, 9, 0xFA }, "padding")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 0xFF }, "truncated")]
    public void Malformed_input_is_refused(byte[] encoded, string reason)
    {
        var act = () => MemComparable.DecodeBytes(encoded, out _);

        act.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }

    private static byte[] RandomKey(Random random)
    {
        var key = new byte[random.Next(0, 20)];
        random.NextBytes(key);
        if (key.Length > 0 && random.Next(3) == 0)
        {
            key[^1] = 0;
        }

        return key;
    }
}
