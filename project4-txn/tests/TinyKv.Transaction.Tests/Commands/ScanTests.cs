using FluentAssertions;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Transaction.Tests.Commands;

/// <summary>
/// KvScan (4C): reading keys in order from a start key, as of a timestamp. Ported from the
/// original course's command tests, one method per original test, all over the same data
/// (see the constructor). A scan's version is the builder's next timestamp, 100, unless a test
/// sets another.
/// </summary>
[Milestone("4C")]
public sealed class ScanTests : IDisposable
{
    private readonly CommandTestBuilder _b = new();

    public ScanTests() =>
        _b.Init(
            // Committed before 100.
            Kv.Default([1], [50], ts: 80),
            Kv.Write([1], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 99),
            Kv.Default([1, 23], [55], ts: 80),
            Kv.Write([1, 23], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 99),
            Kv.Default([3], [51], ts: 80),
            Kv.Write([3], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 99),
            Kv.Default([3, 45], [56], ts: 80),
            Kv.Write([3, 45], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 99),
            Kv.Default([3, 46], [57], ts: 80),
            Kv.Write([3, 46], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 99),
            Kv.Default([3, 47], [58], ts: 80),
            Kv.Write([3, 47], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 99),
            Kv.Default([3, 48], [59], ts: 80),
            Kv.Write([3, 48], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 99),
            Kv.Default([4], [52], ts: 80),
            Kv.Write([4], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 99),
            Kv.Default([120], [53], ts: 80),
            Kv.Write([120], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 99),
            Kv.Default([199], [54], ts: 80),
            Kv.Write([199], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 99),

            // Started and committed after 100.
            Kv.Default([4, 45], [58], ts: 110),
            Kv.Write([4, 45], [1, 0, 0, 0, 0, 0, 0, 0, 110], ts: 116),
            Kv.Default([4, 46], [57], ts: 110),
            Kv.Write([4, 46], [1, 0, 0, 0, 0, 0, 0, 0, 110], ts: 116),
            Kv.Default([4, 47], [58], ts: 110),
            Kv.Write([4, 47], [1, 0, 0, 0, 0, 0, 0, 0, 110], ts: 116),
            Kv.Default([4, 48], [59], ts: 110),
            Kv.Write([4, 48], [1, 0, 0, 0, 0, 0, 0, 0, 110], ts: 116),

            // Started before 100, committed after.
            Kv.Default([5, 45], [60], ts: 97),
            Kv.Write([5, 45], [1, 0, 0, 0, 0, 0, 0, 0, 97], ts: 101),
            Kv.Default([5, 46], [61], ts: 97),
            Kv.Write([5, 46], [1, 0, 0, 0, 0, 0, 0, 0, 97], ts: 101),
            Kv.Default([5, 47], [62], ts: 97),
            Kv.Write([5, 47], [1, 0, 0, 0, 0, 0, 0, 0, 97], ts: 101),
            Kv.Default([5, 48], [63], ts: 97),
            Kv.Write([5, 48], [1, 0, 0, 0, 0, 0, 0, 0, 97], ts: 101),

            // Written (99), deleted (101), written again (116).
            Kv.Default([150], [42], ts: 80),
            Kv.Write([150], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 99),
            Kv.Write([150], [2, 0, 0, 0, 0, 0, 0, 0, 97], ts: 101),
            Kv.Default([150], [64], ts: 110),
            Kv.Write([150], [1, 0, 0, 0, 0, 0, 0, 0, 110], ts: 116));

    public void Dispose() => _b.Dispose();

    // Original: TestScanEmpty4C
    [Fact]
    public void A_scan_from_past_the_last_key_returns_nothing()
    {
        var response = _b.Run(_b.NewScan([200], 10000));

        response.RegionError.Should().BeNull("the storage is local and healthy");
        response.Pairs.Should().BeEmpty("no key is at or after [200]");
    }

    // Original: TestScanLimitZero4C
    [Fact]
    public void A_scan_with_limit_zero_returns_nothing()
    {
        var response = _b.Run(_b.NewScan([3], 0));

        response.RegionError.Should().BeNull("the storage is local and healthy");
        response.Pairs.Should().BeEmpty("a limit of 0 asks for no pairs");
    }

    // Original: TestScanAll4C
    [Fact]
    public void A_scan_from_the_first_key_returns_every_key_visible_at_its_version_in_order()
    {
        var response = _b.Run(_b.NewScan([0], 10000));

        response.RegionError.Should().BeNull("the storage is local and healthy");
        response.Pairs.Should().HaveCount(11, "11 keys were committed by 100 (keys committed at 101 and 116 are invisible at 100), but the scan returned {0}", Show(response));
        ShouldBe(response.Pairs[0], [1], [50], "the first pair");
        ShouldBe(response.Pairs[10], [199], [54], "the last pair");
    }

    // Original: TestScanLimit4C
    [Fact]
    public void A_scan_stops_at_its_limit()
    {
        var response = _b.Run(_b.NewScan([2], 6));

        response.RegionError.Should().BeNull("the storage is local and healthy");
        response.Pairs.Should().HaveCount(6, "the scan asked for 6 pairs and more are visible, but it returned {0}", Show(response));
        ShouldBe(response.Pairs[0], [3], [51], "the first pair from [2] on");
        ShouldBe(response.Pairs[5], [4], [52], "the sixth pair (after 3 and [3 45] to [3 48])");
    }

    // Original: TestScanDeleted4C
    [Fact]
    public void A_scan_skips_a_key_while_it_is_deleted_and_returns_it_once_written_again()
    {
        var before = _b.NewScan([100], 10000);
        before.Version = 100;
        var whileDeleted = _b.NewScan([100], 10000);
        whileDeleted.Version = 105;
        var after = _b.NewScan([100], 10000);
        after.Version = 120;

        var beforeResponse = _b.Run(before);
        var whileDeletedResponse = _b.Run(whileDeleted);
        var afterResponse = _b.Run(after);

        beforeResponse.RegionError.Should().BeNull("the storage is local and healthy");
        beforeResponse.Pairs.Should().HaveCount(3, "at 100, keys 120, 150 and 199 are visible, but the scan returned {0}", Show(beforeResponse));
        ShouldBe(beforeResponse.Pairs[1], [150], [42], "at 100, the second pair (key 150 before its delete at 101)");

        whileDeletedResponse.RegionError.Should().BeNull("the storage is local and healthy");
        whileDeletedResponse.Pairs.Should().HaveCount(2, "at 105, key 150 is deleted (at 101) and must be skipped, but the scan returned {0}", Show(whileDeletedResponse));
        whileDeletedResponse.Pairs[0].Key.ToByteArray().Should().Equal([120], "at 105 the first key is 120");
        whileDeletedResponse.Pairs[1].Key.ToByteArray().Should().Equal([199], "at 105 the second key is 199, past the deleted 150");

        afterResponse.RegionError.Should().BeNull("the storage is local and healthy");
        afterResponse.Pairs.Should().HaveCount(3, "at 120, key 150 is back (written again at 116), but the scan returned {0}", Show(afterResponse));
        ShouldBe(afterResponse.Pairs[1], [150], [64], "at 120, the second pair (key 150 written again)");
    }

    private static void ShouldBe(KvPair pair, byte[] key, byte[] value, string which)
    {
        pair.Error.Should().BeNull("{0} is not locked", which);
        pair.Key.ToByteArray().Should().Equal(key, "{0} should have key [{1}]", which, string.Join(", ", key));
        pair.Value.ToByteArray().Should().Equal(value, "{0} should have value [{1}]", which, string.Join(", ", value));
    }

    private static string Show(ScanResponse response) =>
        string.Join(", ", response.Pairs.Select(p => $"[{string.Join(" ", p.Key.ToByteArray())}]"));
}
