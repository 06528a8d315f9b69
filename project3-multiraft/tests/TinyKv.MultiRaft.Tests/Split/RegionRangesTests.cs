using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.RaftStore;
using Xunit;

namespace TinyKv.MultiRaft.Tests.Split;

/// <summary>The store's index of its regions' key ranges (given code).</summary>
public sealed class RegionRangesTests
{
    [Fact]
    public void A_key_is_found_in_the_region_whose_range_holds_it()
    {
        var ranges = new RegionRanges();
        ranges.Set(Region(1, "", "g"));
        ranges.Set(Region(2, "g", "p"));
        ranges.Set(Region(3, "p", ""));

        ranges.RegionOf(""u8)!.Id.Should().Be(1UL);
        ranges.RegionOf("f"u8)!.Id.Should().Be(1UL);
        ranges.RegionOf("g"u8)!.Id.Should().Be(2UL, "a region's start key is its own");
        ranges.RegionOf("ozzz"u8)!.Id.Should().Be(2UL);
        ranges.RegionOf("p"u8)!.Id.Should().Be(3UL);
        ranges.RegionOf(new byte[] { 0xFF, 0xFF })!.Id.Should().Be(3UL, "an empty end key means to the end");
    }

    [Fact]
    public void A_gap_between_regions_holds_no_key()
    {
        var ranges = new RegionRanges();
        ranges.Set(Region(1, "a", "c"));
        ranges.Set(Region(2, "m", "p"));

        ranges.RegionOf("d"u8).Should().BeNull();
        ranges.RegionOf("0"u8).Should().BeNull("keys before the first region's start");
        ranges.RegionOf("q"u8).Should().BeNull("keys after the last region's end");
    }

    [Fact]
    public void Overlapping_finds_every_region_sharing_a_key_with_a_range()
    {
        var ranges = new RegionRanges();
        ranges.Set(Region(1, "", "g"));
        ranges.Set(Region(2, "g", "p"));
        ranges.Set(Region(3, "p", ""));

        ranges.Overlapping("f"u8, "h"u8).Select(r => r.Id).Should().Equal(1UL, 2UL);
        ranges.Overlapping("g"u8, "p"u8).Select(r => r.Id).Should().Equal([2UL], "ranges are half-open: [g, p) touches neither neighbour");
        ranges.Overlapping("x"u8, ""u8).Select(r => r.Id).Should().Equal(3UL);
        ranges.Overlapping(""u8, ""u8).Should().HaveCount(3);
    }

    [Fact]
    public void A_split_replaces_the_parent_range_with_its_two_halves()
    {
        var ranges = new RegionRanges();
        ranges.Set(Region(1, "", ""));

        ranges.Set(Region(1, "", "m"));
        ranges.Set(Region(7, "m", ""));

        ranges.Count.Should().Be(2);
        ranges.RegionOf("a"u8)!.Id.Should().Be(1UL);
        ranges.RegionOf("z"u8)!.Id.Should().Be(7UL);
        ranges.Remove(7).Should().BeTrue();
        ranges.RegionOf("z"u8).Should().BeNull();
        ranges.Remove(7).Should().BeFalse("it is gone already");
    }

    [Fact]
    public void Two_regions_ending_at_the_same_key_are_refused()
    {
        var ranges = new RegionRanges();
        ranges.Set(Region(1, "a", "m"));

        var act = () => ranges.Set(Region(2, "c", "m"));

        act.Should().Throw<InvalidOperationException>().WithMessage("*both end at*");
    }

    private static Region Region(ulong id, string start, string end) => new()
    {
        Id = id,
        StartKey = ByteString.CopyFromUtf8(start),
        EndKey = ByteString.CopyFromUtf8(end),
        RegionEpoch = new RegionEpoch { ConfVer = 1, Version = 1 },
    };
}
