using FluentAssertions;
using TinyKv.Bench.Comparison;
using TinyKv.Bench.Measurement;
using Xunit;

namespace TinyKv.Bench.Tests;

/// <summary>The comparison's markdown: one row per workload, etcd then tinykv, the ratio, errors with their kinds.</summary>
public sealed class CompareTableTests
{
    [Fact]
    public void A_row_shows_both_targets_and_the_throughput_ratio()
    {
        var row = new CompareRow("put", 64, Result(succeeded: 20_000, failed: 0), Result(succeeded: 10_000, failed: 3, unanswered: 64));

        var markdown = CompareTable.Markdown(Report(row));

        markdown.Should().Contain("| workload | etcd ops/s | etcd p50 | etcd p99 | etcd errors | etcd CPU-µs/op | tinykv ops/s |");
        markdown.Should().Contain("| put 64 | 2,000 | 1.50 | 12.0 | 0 | 250 | 1,000 | 1.50 | 12.0 | 3 (deadline 3) | 250 | 0.50 |");
        markdown.Should().Contain("Command: `tinykv-bench compare --duration 10`");
        markdown.Should().Contain("Machine: 2 cores (Test CPU), 24.0 GiB memory");
    }

    [Fact]
    public void A_target_that_completed_nothing_shows_dashes_and_no_ratio()
    {
        var row = new CompareRow("get", 256, Result(succeeded: 0, failed: 7), Result(succeeded: 0, failed: 0, unanswered: 256));

        CompareTable.Markdown(Report(row)).Should().Contain("| get 256 | 0 | — | — | 7 (deadline 7) | — | 0 | — | — | 0; none succeeded, 256 in flight at the end | — | — |");
    }

    [Fact]
    public async Task A_saved_comparison_renders_the_same_table_again()
    {
        var report = Report(new CompareRow("put", 16, Result(succeeded: 5_000, failed: 2), Result(succeeded: 4_000, failed: 0)));
        var path = Path.Combine(Path.GetTempPath(), $"tinykv-compare-{Guid.NewGuid():N}.json");
        try
        {
            await ResultReport.WriteJsonAsync(path, report);

            var read = await CompareTable.ReadJsonAsync(path);

            CompareTable.Markdown(read).Should().Be(CompareTable.Markdown(report));
            File.ReadAllText(path).Should().Contain("\"tinykv\": {").And.Contain("\"ops_per_second\": 400");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_saved_comparison_with_the_multi_region_cluster_renders_its_rows_ratios_and_regions()
    {
        var txnRegions = Result(succeeded: 9_000, failed: 1_000) with { Workload = "txn", Errors = new(StringComparer.Ordinal) { ["txn:conflict"] = 1_000 } };
        var report = Report(
            new CompareRow("put", 64, Result(succeeded: 20_000, failed: 0), Result(succeeded: 10_000, failed: 0), Result(succeeded: 15_000, failed: 0)),
            new CompareRow("txn", 256, Result(succeeded: 8_000, failed: 0) with { Workload = "txn" }, null, txnRegions)) with
        {
            MultiRegion = new MultiRegionSetup(27_200, 13_600, new RegionSpread(12, "1:4, 2:4, 3:4"), new RegionSpread(15, "1:5, 2:5, 3:5")),
        };
        var path = Path.Combine(Path.GetTempPath(), $"tinykv-compare-{Guid.NewGuid():N}.json");
        var output = Path.ChangeExtension(path, ".md");
        try
        {
            await ResultReport.WriteJsonAsync(path, report);

            var exitCode = await CompareCommand.Create().Parse(["compare", "--from-json", path, "--out", output]).InvokeAsync();

            exitCode.Should().Be(0);
            var markdown = await File.ReadAllTextAsync(output);
            markdown.Should().Be(CompareTable.Markdown(report));
            markdown.Should().Contain("| workload | multi-region ops/s | multi-region p50 | multi-region p99 | multi-region errors | multi-region CPU-µs/op | multi-region/etcd ops/s | multi-region/single-region ops/s |");
            markdown.Should().Contain("| put 64 | 1,500 | 1.50 | 12.0 | 0 | 250 | 0.75 | 1.50 |");
            markdown.Should().Contain("| txn 256 | 900 | 1.50 | 12.0 | 1,000 (txn:conflict 1,000); 10.00% aborted | 250 | 1.13 | — |");
            markdown.Should().Contain("| txn 256 | 800 | 1.50 | 12.0 | 0; 0.00% aborted | 250 | — | — | — | — | — | — |");
            markdown.Should().Contain("12 regions after the preload (leaders by store 1:4, 2:4, 3:4), 15 at the end");
        }
        finally
        {
            File.Delete(path);
            File.Delete(output);
        }
    }

    [Theory]
    [InlineData("etcd,regions", ComparedClusters.Etcd | ComparedClusters.Regions)]
    [InlineData(" tinykv , standalone ", ComparedClusters.TinyKv | ComparedClusters.Standalone)]
    [InlineData("etcd,tinykv,regions,standalone", ComparedClusters.All)]
    public void The_clusters_to_compare_are_read_from_a_list(string text, ComparedClusters expected) =>
        CompareCommand.ParseClusters(text).Should().Be(expected);

    [Theory]
    [InlineData("redis")]
    [InlineData(",")]
    public void An_unknown_or_empty_cluster_list_is_refused(string text)
    {
        var act = () => CompareCommand.ParseClusters(text);

        act.Should().Throw<FormatException>().WithMessage("--clusters*");
    }

    private static CompareReport Report(params CompareRow[] rows) => new()
    {
        Machine = new MachineInfo(2, "Test CPU", "24.0 GiB", "Debian", ".NET 10.0.0", "etcd 3.4.23"),
        Command = "tinykv-bench compare --duration 10",
        TinyKvServer = "tinykv-server.dll",
        DurationSeconds = 10,
        WarmupSeconds = 2,
        Rows = rows,
        SingleServers = [],
        PeakMemory = [],
    };

    private static RunResult Result(long succeeded, long failed, long unanswered = 0) => new()
    {
        Target = "t",
        Endpoints = "127.0.0.1:1",
        Workload = "put",
        Clients = 64,
        Connections = 4,
        KeySize = 16,
        ValueSize = 256,
        Keys = 1000,
        DurationLimitSeconds = 10,
        MaxOperations = 1_000_000,
        WarmupSeconds = 2,
        StoppedBy = "duration",
        ElapsedSeconds = 10,
        Succeeded = succeeded,
        Failed = failed,
        Unanswered = unanswered,
        Latency = succeeded == 0 ? LatencySummary.Empty : new LatencySummary(succeeded, 2000, 1500, 5000, 12_000, 20_000, 30_000),
        Errors = failed == 0 ? [] : new SortedDictionary<string, long>(StringComparer.Ordinal) { ["deadline"] = failed },
        Retries = [],
        Servers = succeeded == 0 ? [] : [new ServerUsage(1, succeeded * 250, 100_000)],
    };
}
