using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.Scheduler.Core;
using Xunit;

namespace TinyKv.Scheduler.Tests.Core;

/// <summary>The range tree of regions by start key (given code).</summary>
public sealed class RegionTreeTests
{
    [Fact]
    public void Search_finds_the_region_whose_range_holds_the_key()
    {
        var tree = Tree(Region(1, "", "g"), Region(2, "g", "p"), Region(3, "p", ""));

        tree.Search(""u8)!.Id.Should().Be(1UL);
        tree.Search("f"u8)!.Id.Should().Be(1UL);
        tree.Search("g"u8)!.Id.Should().Be(2UL, "a region's start key is its own");
        tree.Search("ozz"u8)!.Id.Should().Be(2UL);
        tree.Search(new byte[] { 0xFF, 0xFF })!.Id.Should().Be(3UL, "an empty end key reaches the end of the key space");
    }

    [Fact]
    public void Search_in_a_gap_finds_nothing()
    {
        var tree = Tree(Region(1, "a", "c"), Region(2, "m", "p"));

        tree.Search("0"u8).Should().BeNull();
        tree.Search("d"u8).Should().BeNull();
        tree.Search("p"u8).Should().BeNull("an end key is exclusive");
    }

    [Fact]
    public void Update_drops_every_region_the_new_range_overlaps()
    {
        var tree = Tree(Region(1, "", "g"), Region(2, "g", "p"), Region(3, "p", ""));

        var dropped = tree.Update(Region(4, "f", "q"));

        dropped.Select(r => r.Id).Should().Equal(1UL, 2UL, 3UL);
        tree.Regions.Select(r => r.Id).Should().Equal(4UL);
    }

    [Fact]
    public void Update_leaves_ranges_that_only_touch_alone()
    {
        var tree = Tree(Region(1, "", "g"), Region(3, "p", ""));

        tree.Update(Region(2, "g", "p")).Should().BeEmpty("[g, p) shares no key with its neighbours");

        tree.Regions.Select(r => r.Id).Should().Equal(1UL, 2UL, 3UL);
    }

    [Fact]
    public void Remove_takes_out_only_the_region_with_that_id()
    {
        var tree = Tree(Region(1, "a", "c"));

        tree.Remove(Region(9, "a", "c")).Should().BeFalse("another region with the same range is not the one in the tree");
        tree.Remove(Region(1, "a", "c")).Should().BeTrue();
        tree.Count.Should().Be(0);
    }

    [Fact]
    public void Search_previous_finds_the_adjacent_region_only()
    {
        var tree = Tree(Region(1, "", "c"), Region(2, "c", "f"), Region(3, "h", ""));

        tree.SearchPrevious("a"u8).Should().BeNull("the first region has no previous");
        tree.SearchPrevious("d"u8)!.Id.Should().Be(1UL);
        tree.SearchPrevious("x"u8).Should().BeNull("[f, h) is a gap, so region 3 has no adjacent previous region");
        tree.SearchPrevious("g"u8).Should().BeNull("no region holds the key");
    }

    [Fact]
    public void Scan_range_starts_at_the_region_holding_the_start_key_and_stops_at_end_or_limit()
    {
        var tree = Tree(Region(1, "", "c"), Region(2, "c", "f"), Region(3, "f", "k"), Region(4, "k", ""));

        tree.ScanRange("d"u8, ""u8, 0).Select(r => r.Id).Should().Equal(2UL, 3UL, 4UL);
        tree.ScanRange("d"u8, "k"u8, 0).Select(r => r.Id).Should().Equal(2UL, 3UL);
        tree.ScanRange(""u8, ""u8, 2).Select(r => r.Id).Should().Equal(1UL, 2UL);
    }

    [Fact]
    public void Get_overlaps_lists_the_regions_sharing_a_key_with_a_range()
    {
        var tree = Tree(Region(1, "", "g"), Region(2, "g", "p"), Region(3, "p", ""));

        tree.GetOverlaps(Region(9, "f", "h")).Select(r => r.Id).Should().Equal(1UL, 2UL);
        tree.GetOverlaps(Region(9, "g", "p")).Select(r => r.Id).Should().Equal(2UL);
        tree.GetOverlaps(Region(9, "x", "")).Select(r => r.Id).Should().Equal(3UL);
    }

    private static RegionTree Tree(params RegionInfo[] regions)
    {
        var tree = new RegionTree();
        foreach (var region in regions)
        {
            tree.Update(region);
        }

        return tree;
    }

    private static RegionInfo Region(ulong id, string start, string end) =>
        new(new Region { Id = id, StartKey = ByteString.CopyFromUtf8(start), EndKey = ByteString.CopyFromUtf8(end), RegionEpoch = new RegionEpoch() }, leader: null);
}
