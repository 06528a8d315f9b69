using FluentAssertions;
using TinyKv.Bench.Comparison;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Bench.Tests;

/// <summary>
/// <c>tinykv-bench run --scheduler</c> against a real multi-region cluster: a
/// tinyscheduler-server and three tinykv-server processes whose tiny regions split a preloaded
/// key space into several regions. Runs are bounded by an operation cap; the tests assert
/// counts and error kinds, never speed. Every process is killed by id at the end.
/// </summary>
public sealed class MultiRegionRunTests : IDisposable
{
    private const int Keys = 200;

    // Keys of 8 bytes: transactional data splits only between keys that differ in their first 8
    // bytes, and longer bench keys (k and zero-padded digits) would all share them.
    private const int KeySize = 8;
    private const int ValueSize = 64;
    private readonly TempDirectory _data = new("tinykv-bench-regions");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Puts_gets_and_transactions_through_the_scheduler_reach_a_split_cluster_without_errors()
    {
        using var processes = new ChildProcessGroup();
        var (maxSize, splitSize) = MultiRegionClusterOptions.SizesFor(Keys, KeySize, ValueSize);
        var cluster = await MultiRegionCluster.StartAsync(
            processes,
            ServerProgram.LocateSchedulerServer(null),
            ServerProgram.LocateTinyKvServer(null),
            _data.Path,
            new MultiRegionClusterOptions { RegionMaxSize = maxSize, RegionSplitSize = splitSize, RaftTickMilliseconds = 20, MinRegions = 4 },
            CancellationToken.None);
        var template = Options("--workload", "put", "--scheduler", cluster.SchedulerAddress);
        var (preload, spread) = await cluster.PreloadAndSplitAsync(template, CancellationToken.None);

        var puts = await RunAsync(Options("--scheduler", cluster.SchedulerAddress, "--workload", "put", "--clients", "4", "--max-ops", "300"));
        var gets = await RunAsync(Options("--scheduler", cluster.SchedulerAddress, "--workload", "get", "--clients", "4", "--max-ops", "200"));
        var txns = await RunAsync(Options("--scheduler", cluster.SchedulerAddress, "--workload", "txn", "--clients", "2", "--max-ops", "40"));

        (preload.Written, preload.Failed).Should().Be((Keys, 0), preload.Complete ? "the preload ended" : "the preload stopped at its time limit");
        spread.Regions.Should().BeGreaterThanOrEqualTo(4, "the preload splits the tiny regions");
        puts.Target.Should().Be("tinykv-regions");
        (puts.Succeeded, puts.Failed, puts.Errors.Count).Should().Be((300, 0, 0), Errors(puts.Errors));
        (gets.Succeeded, gets.Failed, gets.Errors.Count).Should().Be((200, 0, 0), Errors(gets.Errors));
        txns.Operations.Should().Be(40, Errors(txns.Errors));
        // (No errors at all is fine: the two clients need not conflict.)
        txns.Errors.Keys.Where(kind => !kind.StartsWith("txn:", StringComparison.Ordinal)).Should().BeEmpty("two clients may conflict, nothing else may fail ({0})", Errors(txns.Errors));
        txns.TxnAbortRate.Should().Be((double)txns.Failed / 40);
        ResultReport.Text(txns).Should().Contain("transactions aborted:");
    }

    // A generous deadline and many attempts: the transactions keep splitting the tiny regions,
    // and on a loaded machine a request may meet several splits in a row. Bounded all the same.
    private static BenchOptions Options(params string[] arguments)
    {
        var command = new RunCommand();
        var parse = command.Command.Parse([
            "run", "--warmup", "0", "--duration", "300", "--keys", Keys.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--key-size", KeySize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--value-size", ValueSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--connections", "2", "--deadline", "60", "--max-retries", "40",
            .. arguments]);
        parse.Errors.Should().BeEmpty();
        return command.ToOptions(parse);
    }

    // What failed, for the message of a failed assertion (a run on a loaded machine is not repeatable).
    private static string Errors(IReadOnlyDictionary<string, long> errors) =>
        errors.Count == 0 ? "no errors" : "errors: " + string.Join(", ", errors.Select(e => $"{e.Key} × {e.Value}"));

    private static async Task<RunResult> RunAsync(BenchOptions options)
    {
        var target = RunCommand.CreateTarget(options);
        await using (target)
        {
            return await new LoadRunner(options, target).RunAsync();
        }
    }
}
