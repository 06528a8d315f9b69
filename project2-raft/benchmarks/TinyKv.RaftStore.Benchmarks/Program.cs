using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TinyKv.TestKit.RaftStore;
using TinyKv.TestKit.Simulation;

// Times the generic cluster scenarios of 2B, 2C and 3B on the simulator, one after another on one
// thread, and prints a table: how much virtual time each simulates per second of wall time.
// It also counts engine writes per entry applied (by any peer): raft-engine writes and syncs,
// kv-engine writes. Each run's trace hash goes to the progress lines on stderr, so a change meant to
// be behaviour-neutral can be checked against the hashes of the same seeds before it. A scenario that fails under a seed is listed at the end (exit code 1).
// The collector's smallest generation-0 budget can only be set before the runtime starts (an
// environment variable; there is no runtimeconfig knob for it). The default budget, sized to the
// cache, collects every few megabytes, and with many regions each collection promotes messages
// and log entries still in flight: so the tool starts itself again with a 64 MB budget, unless
// DOTNET_GCgen0size is set already (0: the runtime's default).
const string Gen0SizeVariable = "DOTNET_GCgen0size";
if (Environment.GetEnvironmentVariable(Gen0SizeVariable) is null && Environment.ProcessPath is { } host)
{
    var start = new ProcessStartInfo(host) { UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet")
    {
        start.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()!.Location); // `dotnet raftstore-sim-bench.dll …`
    }

    foreach (var arg in args)
    {
        start.ArgumentList.Add(arg);
    }

    start.Environment[Gen0SizeVariable] = "0x4000000";
    using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the benchmark process");
    child.WaitForExit();
    return child.ExitCode;
}

var seeds = new Option<long[]>("--seed") { Description = "Seeds to run each scenario under (default: 1)", AllowMultipleArgumentsPerToken = true };
var only = new Option<string?>("--only") { Description = "Run only the scenarios whose name contains this text" };
var milestones = new Option<string[]>("--milestone") { Description = "Run only the scenarios of these milestones (default: all, 2B, 2C and 3B)", AllowMultipleArgumentsPerToken = true };
var noWarmup = new Option<bool>("--no-warmup") { Description = "Time the first runs cold: they then include compiling the store and the test kit" };
var root = new RootCommand("raftstore-sim-bench: times the simulated 2B / 2C / 3B cluster scenarios") { seeds, only, milestones, noWarmup };
root.SetAction(parse =>
{
    var chosen = parse.GetValue(seeds) is { Length: > 0 } given ? given : [1L];
    var filter = parse.GetValue(only);
    var chosenMilestones = parse.GetValue(milestones) is { Length: > 0 } named ? named : null;
    string[] header = ["milestone", "scenario", "seed", "virtual s", "wall s", "virtual/wall", "events", "events/s", "client ops", "applied", "raft writes/applied", "raft syncs/applied", "kv writes/applied", "raft syncs/op", "kv writes/op"];
    var rows = new List<string[]> { header };
    var total = Stopwatch.StartNew();
    if (!parse.GetValue(noWarmup))
    {
        // Methods are compiled at their first call (fully optimized: no quick JIT here), which
        // would be charged to whichever scenario runs first (a third of a second of `Basic`'s
        // one). Three short scenarios that between them reach the raftstore's paths (client
        // commands, snapshots, partitions, conf changes, splits) run first, untimed.
        foreach (var warm in (string[])["ManyPartitionsOneClient", "SnapshotUnreliableRecover", "SplitConfChangeSnapshotUnreliableRecoverConcurrentPartition"])
        {
            var (_, name, options) = GenericScenarios.All.Single(s => s.Name == warm);
            using var sim = new Simulator(1, name);
            GenericScenario.Run(sim, options);
        }

        Console.Error.WriteLine($"warm-up: {total.Elapsed.TotalSeconds:F2} s (three short scenarios, untimed)");
        total.Restart();
    }

    var failures = new List<string>();
    foreach (var (milestone, name, options) in GenericScenarios.All)
    {
        if ((filter is not null && !name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            || (chosenMilestones is not null && !chosenMilestones.Contains(milestone, StringComparer.OrdinalIgnoreCase)))
        {
            continue;
        }

        foreach (var seed in chosen)
        {
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var pausedBefore = GC.GetTotalPauseDuration();
            var watch = Stopwatch.StartNew();
            using var sim = new Simulator(seed, name);
            GenericScenario scenario;
            try
            {
                scenario = GenericScenario.Run(sim, options);
            }
            catch (SimulationFailedException failure)
            {
                failures.Add($"{name} seed {seed}: {failure.Message.Split('\n')[0]}");
                Console.Error.WriteLine($"{name} seed {seed}: FAILED");
                continue;
            }

            var wall = watch.Elapsed.TotalSeconds;
            var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;
            var allocatedMb = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1e6;
            var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds;
            var virtualSeconds = sim.Now / 1e6;
            var writes = scenario.Cluster.Writes;
            var applied = scenario.Cluster.Invariants.AppliedChecked;
            string PerApplied(long count) => (count / (double)Math.Max(1, applied)).ToString("F2", CultureInfo.InvariantCulture);
            string PerOperation(long count) => (count / (double)Math.Max(1, scenario.Operations)).ToString("F1", CultureInfo.InvariantCulture);
            rows.Add([
                milestone, name, seed.ToString(CultureInfo.InvariantCulture),
                virtualSeconds.ToString("F1", CultureInfo.InvariantCulture),
                wall.ToString("F2", CultureInfo.InvariantCulture),
                (virtualSeconds / wall).ToString("F1", CultureInfo.InvariantCulture),
                sim.EventsRun.ToString("N0", CultureInfo.InvariantCulture),
                (sim.EventsRun / wall).ToString("N0", CultureInfo.InvariantCulture),
                scenario.Operations.ToString("N0", CultureInfo.InvariantCulture),
                applied.ToString("N0", CultureInfo.InvariantCulture),
                PerApplied(writes.RaftWrites),
                PerApplied(writes.RaftSyncs),
                PerApplied(writes.KvWrites),
                PerOperation(writes.RaftSyncs),
                PerOperation(writes.KvWrites),
            ]);
            Console.Error.WriteLine($"{name} seed {seed}: {wall:F2} s ({cpu:F2} s of process CPU, {allocatedMb:F0} MB allocated, {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3} collections of generation 0/1/2, {paused:F2} s paused for them), {sim.EventsRun} events, trace {sim.Trace.Count} lines, hash {sim.Trace.Hash}");
        }
    }

    var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
    foreach (var row in rows)
    {
        Console.WriteLine("| " + string.Join(" | ", row.Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))) + " |");
    }

    Console.WriteLine($"whole set: {total.Elapsed.TotalSeconds:F1} s of wall time on {Environment.ProcessorCount} cores (one thread)");
    foreach (var failure in failures)
    {
        Console.WriteLine($"FAILED {failure}");
    }

    return failures.Count == 0 ? 0 : 1;
});
return root.Parse(args).Invoke();
