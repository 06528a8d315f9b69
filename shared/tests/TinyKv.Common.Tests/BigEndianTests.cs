using FluentAssertions;
using TinyKv.Codec;
using Xunit;

namespace TinyKv.Common.Tests;

public sealed class BigEndianTests
{
    [Fact]
    public void A_number_is_written_most_significant_byte_first() =>
        BigEndian.EncodeUInt64(0x0102030405060708).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);

    [Fact]
    public void The_descending_form_is_the_complement() =>
        BigEndian.EncodeUInt64Descending(1).Should().Equal(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE);

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(0x8000_0000_0000_0000UL)]
    [InlineData(ulong.MaxValue)]
    public void Both_forms_decode_back(ulong value)
    {
        BigEndian.DecodeUInt64(BigEndian.EncodeUInt64(value)).Should().Be(value);
        BigEndian.DecodeUInt64Descending(BigEndian.EncodeUInt64Descending(value)).Should().Be(value);
    }

    [Fact]
    public void Only_the_first_eight_bytes_are_read() =>
        BigEndian.DecodeUInt64([0, 0, 0, 0, 0, 0, 0, 5, 0xEE]).Should().Be(5);

    [Fact]
    public void Ascending_bytes_sort_as_the_numbers_do()
    {
        var small = BigEndian.EncodeUInt64(255);
        var large = BigEndian.EncodeUInt64(256);

        small.AsSpan().SequenceCompareTo(large).Should().BeNegative();
    }

    [Fact]
    public void Descending_bytes_put_the_larger_number_first()
    {
        var small = BigEndian.EncodeUInt64Descending(255);
        var large = BigEndian.EncodeUInt64Descending(256);

        large.AsSpan().SequenceCompareTo(small).Should().BeNegative();
    }

    [Fact]
    public void Fewer_than_eight_bytes_are_refused()
    {
        var act = () => BigEndian.DecodeUInt64([1, 2, 3]);

        act.Should().Throw<FormatException>().WithMessage("*8 bytes*3*");
    }
}
