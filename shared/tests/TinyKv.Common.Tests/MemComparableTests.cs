using System.Text;
using FluentAssertions;
using TinyKv.Codec;
using Xunit;

namespace TinyKv.Common.Tests;

public sealed class MemComparableTests
{
    [Theory]
    [InlineData(new byte[0], new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0xF7 })]
    [InlineData(new byte[] { 1 }, new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0xF8 })]
    [InlineData(new byte[] { 1, 2 }, new byte[] { 1, 2, 0, 0, 0, 0, 0, 0, 0xF9 })]
    [InlineData(new byte[] { 1, 2, 3 }, new byte[] { 1, 2, 3, 0, 0, 0, 0, 0, 0xFA })]
    [InlineData(new byte[] { 1, 2, 3, 4 }, new byte[] { 1, 2, 3, 4, 0, 0, 0, 0, 0xFB })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5 }, new byte[] { 1, 2, 3, 4, 5, 0, 0, 0, 0xFC })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6 }, new byte[] { 1, 2, 3, 4, 5, 6, 0, 0, 0xFD })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7 }, new byte[] { 1, 2, 3, 4, 5, 6, 7, 0, 0xFE })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0xF7 })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 9, 0, 0, 0, 0, 0, 0, 0, 0xF8 })]
    public void Encoding_cuts_groups_of_eight_each_followed_by_its_marker(byte[] raw, byte[] expected) =>
        MemComparable.EncodeBytes(raw).Should().Equal(expected);

    [Fact]
    public void A_trailing_zero_byte_is_data_not_padding()
    {
        var encoded = MemComparable.EncodeBytes([1, 2, 3, 0]);

        encoded.Should().Equal(1, 2, 3, 0, 0, 0, 0, 0, 0xFB);
    }

    [Fact]
    public void Sixteen_bytes_take_two_full_groups_and_an_empty_one()
    {
        byte[] raw = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

        var encoded = MemComparable.EncodeBytes(raw);

        encoded.Should().Equal(
            1, 2, 3, 4, 5, 6, 7, 8, 0xFF,
            9, 10, 11, 12, 13, 14, 15, 16, 0xFF,
            0, 0, 0, 0, 0, 0, 0, 0, 0xF7);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(100)]
    public void Decoding_returns_the_raw_bytes(int length)
    {
        var raw = Enumerable.Range(0, length).Select(i => (byte)(i * 37)).ToArray();

        var decoded = MemComparable.DecodeBytes(MemComparable.EncodeBytes(raw), out _);

        decoded.Should().Equal(raw);
    }

    [Fact]
    public void Every_prefix_of_the_alphabet_survives_a_round_trip()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz";
        for (var length = 0; length <= alphabet.Length; length++)
        {
            var raw = Encoding.ASCII.GetBytes(alphabet[..length]);

            var decoded = MemComparable.DecodeBytes(MemComparable.EncodeBytes(raw), out _);

            Encoding.ASCII.GetString(decoded).Should().Be(alphabet[..length]);
        }
    }

    [Fact]
    public void Decoding_reports_how_many_bytes_it_read_and_leaves_the_rest()
    {
        byte[] encoded = [.. MemComparable.EncodeBytes([1, 2, 3, 4, 5, 6, 7, 8, 9]), 0xAB, 0xCD];

        MemComparable.DecodeBytes(encoded, out var consumed);

        consumed.Should().Be(18);
    }

    [Fact]
    public void Encoded_keys_sort_as_the_raw_keys_do()
    {
        var random = new Random(20261124);
        for (var i = 0; i < 5000; i++)
        {
            var a = RandomKey(random);
            var b = RandomKey(random);

            var encodedOrder = Math.Sign(MemComparable.EncodeBytes(a).AsSpan().SequenceCompareTo(MemComparable.EncodeBytes(b)));

            encodedOrder.Should().Be(
                Math.Sign(a.AsSpan().SequenceCompareTo(b)),
                "{0} and {1} must keep their order when encoded",
                Convert.ToHexString(a),
                Convert.ToHexString(b));
        }
    }

    [Theory]
    [InlineData(new byte[] { 1 }, new byte[] { 1, 0 })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7 }, new byte[] { 1, 2, 3, 4, 5, 6, 7, 0 })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 0 })]
    [InlineData(new byte[] { 0x7F }, new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xFF }, new byte[] { 0xFF, 0x00 })]
    public void A_key_sorts_before_its_extensions_and_larger_bytes(byte[] smaller, byte[] larger)
    {
        var encodedSmaller = MemComparable.EncodeBytes(smaller);
        var encodedLarger = MemComparable.EncodeBytes(larger);

        encodedSmaller.AsSpan().SequenceCompareTo(encodedLarger).Should().BeNegative();
    }

    [Theory]
    [InlineData(new byte[0], "truncated")]
    [InlineData(new byte[] { 1, 2, 3 }, "truncated")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 0xFF }, "truncated")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 9, 0, 0, 0 }, "truncated")]
    [InlineData(new byte[] { 1, 2, 3, 0, 0, 0, 0, 0, 0xF0 }, "marker")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0x00 }, "marker")]
    [InlineData(new byte[] { 1, 2, 3, 0, 0, 0, 0, 9, 0xFA }, "padding")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1, 0xF7 }, "padding")]
    public void Malformed_input_is_refused_with_the_reason(byte[] encoded, string reason)
    {
        var act = () => MemComparable.DecodeBytes(encoded, out _);

        act.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }

    private static byte[] RandomKey(Random random)
    {
        var key = new byte[random.Next(0, 20)];
        random.NextBytes(key);

        // Trailing zeros and shared prefixes are where a careless encoding goes wrong.
        if (key.Length > 0 && random.Next(3) == 0)
        {
            key[^1] = 0;
        }

        if (key.Length > 8 && random.Next(2) == 0)
        {
            key.AsSpan(0, 8).Clear();
        }

        return key;
    }
}
