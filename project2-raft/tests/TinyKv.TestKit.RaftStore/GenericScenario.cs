using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;
using TinyKv.TestKit.Linearizability;
using TinyKv.TestKit.Simulation;

namespace TinyKv.TestKit.RaftStore;

/// <summary>The knobs of the generic cluster test, as the original course's test generator has them.</summary>
public sealed record ScenarioOptions
{
    /// <summary>How many clients run at once.</summary>
    public int Clients { get; init; } = 1;

    /// <summary>Whether the network drops messages (about 10% per drop filter; filters pile up within an iteration).</summary>
    public bool Unreliable { get; init; }

    /// <summary>
    /// Whether the network also delivers messages twice (about 10% per filter, the copy up to an
    /// election timeout late) and reorders them, alongside the drops of <see cref="Unreliable"/>.
    /// Not in the original course.
    /// </summary>
    public bool Duplicates { get; init; }

    /// <summary>Whether the stores answer reads by ReadIndex (<see cref="RaftStoreConfig.ReadIndexReads"/>) instead of through the log.</summary>
    public bool ReadIndex { get; init; }

    /// <summary>Whether every store crashes and restarts after each iteration.</summary>
    public bool Crash { get; init; }

    /// <summary>Whether the network is cut into two random halves, re-rolled every 500–700 ms.</summary>
    public bool Partitions { get; init; }

    /// <summary>When positive: the raft log GC count limit, and the bound (twice it) checked on every store after each iteration.</summary>
    public int MaxRaftLog { get; init; } = -1;

    /// <summary>
    /// Whether peers are added and removed while the clients run: from 100 ms into each
    /// iteration, every 0–200 ms, a random region gains a peer on a random store that has none, or
    /// loses the one it has there (never its last), each change awaited as the original does.
    /// </summary>
    public bool ConfChange { get; init; }

    /// <summary>
    /// Whether regions split: the stores split a region past <see cref="SplitRegionMaxSize"/>
    /// bytes, and after each iteration the region of the empty key must have split.
    /// </summary>
    public bool Split { get; init; }

    /// <summary>The region size past which the stores split a region when <see cref="Split"/> is on (the original's 300 bytes).</summary>
    public const ulong SplitRegionMaxSize = 300;

    /// <summary>Where a region splits when <see cref="Split"/> is on (the original's 200 bytes).</summary>
    public const ulong SplitRegionSplitSize = 200;

    /// <summary>How many iterations (the original runs three).</summary>
    public int Iterations { get; init; } = 3;

    /// <summary>How long the clients run in each iteration (the original: 5 s).</summary>
    public long ClientMicros { get; init; } = 5_000_000;

    /// <summary>The number of stores.</summary>
    public int Stores { get; init; } = 5;
}

/// <summary>
/// The generic test of the original course's raftstore suite, on the simulator. Each of three
/// iterations: clients put keys of their own ("c 0000000j" = "x c j y") and scan their range,
/// which must read exactly what they wrote, in order; meanwhile chaos (partitions, dropped
/// messages) and conf changes if asked. Then the network heals, stores restart if asked, each
/// client's range is checked and deleted, with a log limit every store's log must be trimmed,
/// and with splits the first region must have split.
/// </summary>
public sealed class GenericScenario
{
    private readonly ScenarioOptions _options;
    private readonly TestCluster _cluster;
    private readonly Simulator _simulator;
    private readonly Dictionary<int, List<(byte[] Key, string Text, byte[] Value, string ValueText)>> _keysOf = []; // each client's keys and values so far, built once
    private bool _clientsDone;
    private bool _chaosDone;
    private bool _confChangeDone;

    private GenericScenario(Simulator simulator, ScenarioOptions options)
    {
        _simulator = simulator;
        _options = options;
        var config = RaftStoreConfig.ForTests;
        if (options.MaxRaftLog > 0)
        {
            config = config with { RaftLogGcCountLimit = (ulong)options.MaxRaftLog };
        }

        if (options.ReadIndex)
        {
            config = config with { ReadIndexReads = true };
        }

        if (options.Split)
        {
            config = config with { RegionMaxSize = ScenarioOptions.SplitRegionMaxSize, RegionSplitSize = ScenarioOptions.SplitRegionSplitSize };
        }

        _cluster = new TestCluster(simulator, options.Stores, new TestClusterOptions { Config = config });
    }

    /// <summary>Client operations that completed (puts and scans).</summary>
    public long Operations { get; private set; }

    /// <summary>The cluster under test.</summary>
    public TestCluster Cluster => _cluster;

    /// <summary>Every client operation of the run (each attempt of a write, each read), for the linearizability check.</summary>
    public HistoryRecorder History { get; } = new();

    /// <summary>The verdict of the linearizability check of <see cref="History"/>.</summary>
    public LinearizabilityReport? Linearizability { get; private set; }

    /// <summary>
    /// The history check's bound: search steps only, no wall-clock limit, so a seed gets the same
    /// verdict on a loaded or a slow machine (the biggest legal histories take under 5 million
    /// steps; a wall-clock limit of 30 s once failed a legal one in a Debug build beside other
    /// work). The grader's time limit per test still bounds a run.
    /// </summary>
    private static readonly LinearizabilityOptions HistoryCheck = LinearizabilityOptions.WithStepBudget(50_000_000);

    /// <summary>Runs the scenario on <paramref name="simulator"/>; throws (with the seed) if anything goes wrong.</summary>
    public static GenericScenario Run(Simulator simulator, ScenarioOptions options)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(options);
        var scenario = new GenericScenario(simulator, options);
        scenario._cluster.Start();
        var main = simulator.Spawn("scenario", scenario.MainAsync);
        var limit = 200_000_000L * options.Iterations;
        while (!main.IsCompleted)
        {
            if (simulator.Now > limit)
            {
                throw new SimulationFailedException(
                    $"the scenario did not finish within {limit / 1_000_000} s of virtual time (seed {simulator.Seed})\nreplay: {simulator.ReplayCommand}",
                    simulator.Seed,
                    simulator.Now,
                    simulator.ReplayCommand);
            }

            simulator.RunFor(100_000);
        }

        main.GetAwaiter().GetResult();
        scenario._cluster.Shutdown();
        scenario.Linearizability = LinearizabilityChecker.Check(scenario.History.ToHistory(), HistoryCheck);
        if (scenario.Linearizability.Result != CheckResult.Ok)
        {
            throw new SimulationFailedException(
                $"the clients' history (seed {simulator.Seed}) is not linearizable (checker: {scenario.Linearizability.Result})\n" +
                $"replay: {simulator.ReplayCommand}\n{scenario.Linearizability}",
                simulator.Seed,
                simulator.Now,
                simulator.ReplayCommand);
        }

        return scenario;
    }

    private async Task MainAsync()
    {
        var electionTimeout = _cluster.ElectionTimeoutMicros;
        await _simulator.Delay(2 * electionTimeout);
        for (var iteration = 0; iteration < _options.Iterations; iteration++)
        {
            _simulator.Record("scenario", $"iteration {iteration}");
            _clientsDone = false;
            _chaosDone = false;
            _confChangeDone = false;
            var clients = new Task<int>[_options.Clients];
            for (var cli = 0; cli < _options.Clients; cli++)
            {
                var me = cli;
                var written = new TaskCompletionSource<int>();
                clients[cli] = written.Task;
                _ = _simulator.Spawn($"client {me}", async () => written.SetResult(await ClientAsync(me)));
            }

            Task? chaos = null;
            if (_options.Unreliable || _options.Partitions || _options.Duplicates)
            {
                await _simulator.Delay(300_000);
                chaos = _simulator.Spawn("chaos", () => ChaosAsync(electionTimeout));
            }

            Task? confChanger = null;
            if (_options.ConfChange)
            {
                await _simulator.Delay(100_000);
                var round = iteration;
                confChanger = _simulator.Spawn("confchange", () => ConfChangeAsync(round));
            }

            await _simulator.Delay(_options.ClientMicros);
            _clientsDone = true;
            _chaosDone = true;
            _confChangeDone = true;
            if (chaos is not null)
            {
                await chaos;
                _cluster.ClearFilters();
                await _simulator.Delay(electionTimeout);
            }

            var counts = new int[_options.Clients];
            for (var cli = 0; cli < _options.Clients; cli++)
            {
                counts[cli] = await clients[cli];
            }

            if (confChanger is not null)
            {
                // It finishes the change it waits for (on the healed network) before the stores restart.
                await confChanger;
            }

            if (_options.Crash)
            {
                foreach (var storeId in _cluster.StoreIds.ToList())
                {
                    _cluster.StopServer(storeId);
                }

                await _simulator.Delay(electionTimeout);
                foreach (var storeId in _cluster.StoreIds.ToList())
                {
                    _cluster.StartServer(storeId);
                }
            }

            for (var cli = 0; cli < _options.Clients; cli++)
            {
                var values = await ScanAsync(cli, counts[cli]);
                CheckClientAppends(cli, Concatenate(values), counts[cli]);
                for (var j = 0; j < counts[cli]; j++)
                {
                    var input = KvInput.Delete(KeyText(cli, j));
                    await _cluster.DeleteAsync(Key(cli, j), onAttempt: attempt => Record(cli, input, attempt));
                }
            }

            if (_options.MaxRaftLog > 0)
            {
                await _simulator.Delay(1_000_000);
                CheckLogsTrimmed();
            }

            if (_options.Split)
            {
                await CheckSplitAsync();
            }
        }
    }

    private async Task<int> ClientAsync(int cli)
    {
        var random = _simulator.Streams.Stream("client", (ulong)cli);
        var j = 0;
        var last = new StringBuilder();
        var lastBytes = new List<byte>(); // the same values as UTF-8, to compare a scan with them without building strings
        while (!_clientsDone)
        {
            if (random.Next(1000) < 500)
            {
                var value = Value(cli, j);
                var input = KvInput.Put(KeyText(cli, j), value);
                var bytes = TestCluster.Bytes(value);
                await _cluster.PutAsync(Key(cli, j), bytes, onAttempt: attempt => Record(cli, input, attempt));
                last.Append(value);
                lastBytes.AddRange(bytes);
                j++;
            }
            else
            {
                var values = await ScanAsync(cli, j);
                if (!IsConcatenation(values, CollectionsMarshal.AsSpan(lastBytes)))
                {
                    var read = Concatenate(values);
                    if (read != last.ToString())
                    {
                        throw new ScenarioCheckException($"client {cli} scanned its {j} keys and read the wrong values\n want: {last}\n got:  {read}");
                    }
                }
            }

            Operations++;
        }

        return j;
    }

    /// <summary>
    /// Scans the first <paramref name="count"/> keys of client <paramref name="cli"/> and records
    /// the scan as one read per key (the value found or none), each spanning the whole scan.
    /// </summary>
    private async Task<IReadOnlyList<KeyValuePair<byte[], byte[]>>> ScanAsync(int cli, int count)
    {
        var called = _simulator.Now;
        var values = await _cluster.ScanAsync(Key(cli, 0), Key(cli, count));

        // The scan comes back in key order, and so do the client's keys (j is zero-padded): walk
        // both at once to find each key's value.
        var keys = _keysOf.TryGetValue(cli, out var known) ? known : _keysOf[cli] = [];
        var next = 0;
        for (var j = 0; j < count; j++)
        {
            if (j == keys.Count)
            {
                var value = Value(cli, j);
                keys.Add((Key(cli, j), KeyText(cli, j), TestCluster.Bytes(value), value));
            }

            var (key, text, written, writtenText) = keys[j];
            while (next < values.Count && ByteComparer.Compare(values[next].Key, key) < 0)
            {
                next++;
            }

            // The value read is most often the one the client wrote: its text is made once.
            var found = next < values.Count && values[next].Key.AsSpan().SequenceEqual(key)
                ? values[next].Value.AsSpan().SequenceEqual(written) ? writtenText : TestCluster.Printable(values[next].Value)
                : null;
            History.Completed(cli, KvInput.Get(text), KvOutput.Read(found), called, _simulator.Now);
        }

        return values;
    }

    /// <summary>
    /// Records one attempt of a write: answered with success, it took effect within its span;
    /// with no answer, it may take effect at any later time or never (it stays open); with a
    /// region error, it did not take effect and is left out.
    /// </summary>
    private void Record(int cli, KvInput input, AttemptOutcome attempt)
    {
        if (attempt.Result is { } result && result.Response.Header?.Error is not null)
        {
            return;
        }

        var id = History.Invoke(cli, input, attempt.CalledAt);
        if (attempt.Result is not null)
        {
            History.Return(id, KvOutput.None, attempt.EndedAt);
        }
    }

    private async Task ChaosAsync(long electionTimeout)
    {
        var random = _simulator.Streams.Stream("chaos", 0);
        while (!_chaosDone)
        {
            if (_options.Partitions)
            {
                var sides = _cluster.StoreIds.GroupBy(_ => random.Next(2)).ToDictionary(g => g.Key, g => g.ToList());
                var first = sides.GetValueOrDefault(0) ?? [];
                var second = sides.GetValueOrDefault(1) ?? [];
                _cluster.ClearFilters();
                _simulator.Record("chaos", $"partition [{string.Join(",", first)}] [{string.Join(",", second)}]");
                _cluster.Partition(first, second);
            }

            if (_options.Unreliable)
            {
                _simulator.Record("chaos", "drop 10%");
                _cluster.Network.DropFraction(0.1);
            }

            if (_options.Duplicates)
            {
                _simulator.Record("chaos", "duplicate 10%, reorder");
                _cluster.Network.Duplicate(0.1, electionTimeout);
                _cluster.Network.Reorder(electionTimeout / 10);
            }

            await _simulator.Delay(electionTimeout + (random.NextInt64() % 200) * 1000);
        }
    }

    /// <summary>
    /// Adds and removes peers until the clients stop, as the original's conf changer does: a
    /// random region (with a known leader) and a random store; a store that has a peer of the
    /// region loses it unless it is the region's last, a store that has none gains a new one.
    /// Each order is given a while to take effect (the scheduler shows it) so that the next pick
    /// sees the region as it is; under partitions and drops it may take longer than that, and the
    /// changer moves on (the order stands until the next one for its region replaces it): this
    /// is chaos, not a check.
    /// </summary>
    private async Task ConfChangeAsync(int iteration)
    {
        var random = _simulator.Streams.Stream("confchange", (ulong)iteration);
        while (!_confChangeDone)
        {
            if (_cluster.GetRandomRegion() is { } region)
            {
                var storeId = (ulong)random.Next(_options.Stores) + 1;
                if (TestCluster.PeerOnStore(region, storeId) is { } peer)
                {
                    if (region.Peers.Count > 1)
                    {
                        _simulator.Record("confchange", $"region {region.Id}: remove peer {peer.Id} on store {storeId}");
                        _cluster.Scheduler.RemovePeer(region.Id, peer);
                        await AwaitOrderAsync(region.Id);
                    }
                }
                else
                {
                    var added = _cluster.AllocPeer(storeId);
                    _simulator.Record("confchange", $"region {region.Id}: add peer {added.Id} on store {storeId}");
                    _cluster.Scheduler.AddPeer(region.Id, added);
                    await AwaitOrderAsync(region.Id);
                }
            }

            await _simulator.Delay(random.Next(200) * 1000L);
        }
    }

    private async Task AwaitOrderAsync(ulong regionId)
    {
        var start = _simulator.Now;
        while (_cluster.Scheduler.HasOrder(regionId) && !_confChangeDone)
        {
            if (_simulator.Now - start >= TestCluster.MembershipTimeoutMicros)
            {
                _simulator.Record("confchange", $"region {regionId}: the order has not taken effect after {TestCluster.MembershipTimeoutMicros / 1000} ms; moving on");
                return;
            }

            await _simulator.Delay(10_000);
        }
    }

    private async Task CheckSplitAsync()
    {
        var first = await _cluster.GetRegionAsync([]);
        if (first.EndKey.IsEmpty)
        {
            throw new ScenarioCheckException(
                $"region is not split: region {first.Id}, which holds the empty key, still ends at the last key " +
                $"(regions larger than {ScenarioOptions.SplitRegionMaxSize} bytes must split)");
        }
    }

    private void CheckLogsTrimmed()
    {
        var limit = 2 * (ulong)_options.MaxRaftLog;
        foreach (var region in _cluster.Scheduler.Regions)
        {
            foreach (var storeId in _cluster.StoreIds)
            {
                // A store that never had the region, or whose peer of it was removed (tombstone), keeps no log of it to trim.
                var kv = _cluster.EnginesOf(storeId).Kv;
                if (MetaStore.RegionState(kv, region.Id) is not { State: PeerState.Normal }
                    || MetaStore.ApplyState(kv, region.Id) is not { } state)
                {
                    continue;
                }

                var truncated = state.TruncatedState.Index;
                if (state.AppliedIndex - truncated > limit)
                {
                    throw new ScenarioCheckException(
                        $"store {storeId}: the log of region {region.Id} was not trimmed (applied {state.AppliedIndex} - truncated {truncated} > {limit})");
                }
            }
        }
    }

    private static void CheckClientAppends(int cli, string value, int count)
    {
        var lastOffset = -1;
        for (var j = 0; j < count; j++)
        {
            var wanted = Value(cli, j);
            var offset = value.IndexOf(wanted, StringComparison.Ordinal);
            if (offset < 0)
            {
                throw new ScenarioCheckException($"client {cli}: missing element '{wanted}' in the final scan: {value}");
            }

            if (value.LastIndexOf(wanted, StringComparison.Ordinal) != offset)
            {
                throw new ScenarioCheckException($"client {cli}: duplicate element '{wanted}' in the final scan");
            }

            if (offset <= lastOffset)
            {
                throw new ScenarioCheckException($"client {cli}: element '{wanted}' out of order in the final scan");
            }

            lastOffset = offset;
        }
    }

    private static bool IsConcatenation(IReadOnlyList<KeyValuePair<byte[], byte[]>> values, ReadOnlySpan<byte> expected)
    {
        foreach (var (_, value) in values)
        {
            if (!expected.StartsWith(value))
            {
                return false;
            }

            expected = expected[value.Length..];
        }

        return expected.IsEmpty;
    }

    private static string Concatenate(IReadOnlyList<KeyValuePair<byte[], byte[]>> values) =>
        string.Concat(values.Select(pair => TestCluster.Printable(pair.Value)));

    /// <summary>The key client <paramref name="cli"/> writes in its <paramref name="j"/>th put.</summary>
    public static byte[] Key(int cli, int j) =>
        TestCluster.Bytes(string.Create(CultureInfo.InvariantCulture, $"{cli} {j:D8}"));

    /// <summary>The key of <see cref="Key"/> as text.</summary>
    public static string KeyText(int cli, int j) => string.Create(CultureInfo.InvariantCulture, $"{cli} {j:D8}");

    /// <summary>The value client <paramref name="cli"/> writes in its <paramref name="j"/>th put.</summary>
    public static string Value(int cli, int j) => string.Create(CultureInfo.InvariantCulture, $"x {cli} {j} y");
}

/// <summary>A check of a cluster scenario failed: what the clients read is not what they wrote.</summary>
public sealed class ScenarioCheckException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScenarioCheckException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ScenarioCheckException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public ScenarioCheckException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
