using System.Globalization;
using System.Text;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Meta;
using TinyKv.RaftStore.Snap;
using TinyKv.Storage.Engine;
using TinyKv.TestKit.Simulation;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.TestKit.RaftStore;

/// <summary>Engine writes of a cluster (see <see cref="TestCluster.Writes"/>).</summary>
public sealed record EngineWrites(long RaftWrites, long RaftSyncs, long KvWrites, long KvSyncs);

/// <summary>Options of a <see cref="TestCluster"/>.</summary>
public sealed record TestClusterOptions
{
    /// <summary>The stores' configuration (default: the original course's test configuration).</summary>
    public RaftStoreConfig Config { get; init; } = RaftStoreConfig.ForTests;

    /// <summary>Whether a crash also loses the writes a store had not synced.</summary>
    public bool CrashLosesUnsyncedWrites { get; init; } = true;

    /// <summary>The one-way latency of a raft message before jitter.</summary>
    public long NetworkLatencyMicros { get; init; } = 3_000;

    /// <summary>The largest extra latency drawn per message (jitter, which also reorders).</summary>
    public long NetworkJitterMicros { get; init; } = 4_000;

    /// <summary>The latency between a client and a store, each way.</summary>
    public long ClientLatencyMicros { get; init; } = 500;
}

/// <summary>
/// The cluster of the original course's raftstore tests, on the deterministic simulator: N
/// stores sharing one simulated network, a mock scheduler, and the client calls of the
/// original harness (request with leader retry, MustPut / MustGet / MustDelete / Scan, engine
/// checks) as simulated tasks on virtual time. Invariants are checked after every round of every store.
/// </summary>
/// <remarks>
/// Client calls come in two forms: <c>…Async</c> methods for simulated tasks (the clients
/// of the generic tests), and blocking <c>Must…</c> methods for hand-written scenarios, which
/// run the simulator until the call completes. The calls of stage 3B (leader transfer, conf
/// change, regions after splits) are in <c>TestCluster.MultiRaft.cs</c>.
/// </remarks>
public sealed partial class TestCluster
{
    private readonly SortedDictionary<ulong, Engines> _engines = [];
    private readonly SortedDictionary<ulong, MemoryEngine[]> _memory = [];
    private readonly SortedDictionary<ulong, StoreHost> _stores = [];
    private readonly Dictionary<(ulong Store, string Kind), string> _storeTraceKinds = [];
    private readonly SortedDictionary<ulong, int> _incarnations = [];
    private readonly SortedDictionary<ulong, int> _snapshotsReceived = [];
    private readonly SortedDictionary<ulong, SnapshotStream> _streams = [];
    private readonly Random _clientRandom;

    /// <summary>A cluster of <paramref name="count"/> stores on <paramref name="simulator"/>.</summary>
    public TestCluster(Simulator simulator, int count, TestClusterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Simulator = simulator;
        Count = count;
        Options = options ?? new TestClusterOptions();
        Network = new SimulatedNetwork<SnapshotChunk>(simulator, Options.NetworkLatencyMicros, "raft", DescribeInto);
        Invariants = new ClusterInvariants((store, kind, text) => simulator.Record(StoreTraceKind(store, kind), text),
            store => _engines.GetValueOrDefault(store));
        _clientRandom = simulator.Streams.Stream("cluster.client", 0);
        ResetFilters();
    }

    /// <summary>The simulator the cluster runs on.</summary>
    public Simulator Simulator { get; }

    /// <summary>The number of stores.</summary>
    public int Count { get; }

    /// <summary>The cluster's options.</summary>
    public TestClusterOptions Options { get; }

    /// <summary>The stores' configuration.</summary>
    public RaftStoreConfig Config => Options.Config;

    /// <summary>
    /// The network the stores talk over. A raft message travels as a chunk with only its message;
    /// a snapshot's data follows its message in numbered chunks (see <see cref="SnapshotStream"/>).
    /// </summary>
    public SimulatedNetwork<SnapshotChunk> Network { get; }

    /// <summary>The mock scheduler.</summary>
    public MockScheduler Scheduler { get; } = new();

    /// <summary>The safety checks, run after every round of every store and as entries apply.</summary>
    public ClusterInvariants Invariants { get; }

    /// <summary>The election timeout in microseconds.</summary>
    public long ElectionTimeoutMicros => Config.RaftBaseTickMicros * Config.RaftElectionTimeoutTicks;

    /// <summary>The ids of the stores, 1..N.</summary>
    public IEnumerable<ulong> StoreIds => _engines.Keys;

    /// <summary>The engines of store <paramref name="storeId"/>.</summary>
    public Engines EnginesOf(ulong storeId) => _engines[storeId];

    /// <summary>
    /// How often the stores wrote their engines so far, summed over every store: raft-engine
    /// writes and synced writes, kv-engine writes and synced writes.
    /// </summary>
    public EngineWrites Writes => new(
        _memory.Values.Sum(m => m[1].Writes),
        _memory.Values.Sum(m => m[1].SyncedWrites),
        _memory.Values.Sum(m => m[0].Writes),
        _memory.Values.Sum(m => m[0].SyncedWrites));

    /// <summary>The running store <paramref name="storeId"/>, or null while it is stopped.</summary>
    public StoreHost? StoreOf(ulong storeId) => _stores.GetValueOrDefault(storeId);

    /// <summary>How many whole snapshots store <paramref name="storeId"/> received, over all its runs.</summary>
    public int SnapshotsReceivedBy(ulong storeId) =>
        _snapshotsReceived.GetValueOrDefault(storeId) + (_streams.TryGetValue(storeId, out var stream) ? stream.SnapshotsReceived : 0);

    /// <summary>Bootstraps the stores and the first region (one peer per store, peer id = store id) and starts every store.</summary>
    public void Start()
    {
        var region = new Region
        {
            Id = 1,
            RegionEpoch = new RegionEpoch { Version = MetaStore.InitEpochVersion, ConfVer = MetaStore.InitEpochConfVersion },
        };
        for (ulong storeId = 1; storeId <= (ulong)Count; storeId++)
        {
            var kv = new MemoryEngine(Options.CrashLosesUnsyncedWrites);
            var raft = new MemoryEngine(Options.CrashLosesUnsyncedWrites);
            _memory[storeId] = [kv, raft];
            _engines[storeId] = new Engines(kv, raft);
            Bootstrap.BootstrapStore(_engines[storeId], Scheduler.ClusterId, storeId);
            region.Peers.Add(new MetaPeer { Id = storeId, StoreId = storeId });
        }

        foreach (var engines in _engines.Values)
        {
            Bootstrap.PrepareBootstrapCluster(engines, region);
        }

        Scheduler.Bootstrap(region);
        foreach (var engines in _engines.Values)
        {
            Bootstrap.ClearPrepareBootstrapState(engines);
        }

        foreach (var storeId in _engines.Keys)
        {
            StartServer(storeId);
        }
    }

    /// <summary>Starts (or restarts) store <paramref name="storeId"/> over its engines.</summary>
    public void StartServer(ulong storeId)
    {
        if (_stores.ContainsKey(storeId))
        {
            throw new InvalidOperationException($"store {storeId} is running");
        }

        var incarnation = _incarnations[storeId] = _incarnations.GetValueOrDefault(storeId) + 1;
        var streams = Simulator.Streams;
        var files = new SnapshotFiles();
        var stream = new SnapshotStream(Network, storeId, files, Config.SnapshotChunkBytes);
        var store = new StoreHost(
            storeId,
            Config,
            _engines[storeId],
            Simulator,
            stream,
            Scheduler.ClientFor(storeId, Simulator),
            streams.Stream($"store.{incarnation}", storeId),
            peerId => streams.Stream($"raft.{incarnation}", peerId),
            Invariants,
            files);
        _stores[storeId] = store;
        _streams[storeId] = stream;
        Action<RaftMessage> deliver = store.OnRaftMessage; // one delegate, not one per message
        Network.Register(storeId, chunk => stream.Receive(chunk, deliver));
        Simulator.Record("cluster", $"start store {storeId} (incarnation {incarnation})");
        store.Start();
    }

    /// <summary>Crashes store <paramref name="storeId"/>: it stops at once, its in-flight work is lost, and (by default) so are its unsynced writes.</summary>
    public void StopServer(ulong storeId)
    {
        if (!_stores.Remove(storeId, out var store))
        {
            return;
        }


        store.Stop();
        Network.Unregister(storeId);
        if (_streams.Remove(storeId, out var stream))
        {
            _snapshotsReceived[storeId] = _snapshotsReceived.GetValueOrDefault(storeId) + stream.SnapshotsReceived;
        }

        foreach (var engine in _memory[storeId])
        {
            engine.Crash();
        }

        Simulator.Record("cluster", $"crash store {storeId}");
    }

    /// <summary>Adds a network filter.</summary>
    public T AddFilter<T>(T filter)
        where T : INetworkFilter => Network.AddFilter(filter);

    /// <summary>Cuts the stores into two groups that cannot talk to each other.</summary>
    public PartitionFilter Partition(IEnumerable<ulong> first, IEnumerable<ulong> second) =>
        Network.Partition([.. first], [.. second]);

    /// <summary>Removes every filter but the network's own jitter.</summary>
    public void ClearFilters() => ResetFilters();

    /// <summary>A new peer of store <paramref name="storeId"/> with a fresh id.</summary>
    public MetaPeer AllocPeer(ulong storeId) => new() { Id = Scheduler.AllocId(), StoreId = storeId };

    /// <summary>Runs <paramref name="call"/> as a simulated task and the simulator until it completes (at most <paramref name="limitMicros"/> of virtual time).</summary>
    /// <exception cref="ClusterCallException">The call did not complete in time.</exception>
    public T Run<T>(Func<Task<T>> call, long limitMicros = 60_000_000)
    {
        ArgumentNullException.ThrowIfNull(call);
        T result = default!;
        var task = Simulator.Spawn("call", async () => result = await call());
        var deadline = Simulator.Now + limitMicros;
        while (!task.IsCompleted && Simulator.Now < deadline)
        {
            Simulator.RunUntil(Math.Min(deadline, Simulator.Now + 10_000));
        }

        if (!task.IsCompleted)
        {
            throw new SimulationFailedException(
                $"the call did not complete within {limitMicros / 1000} ms of virtual time (seed {Simulator.Seed})\nreplay: {Simulator.ReplayCommand}",
                Simulator.Seed,
                Simulator.Now,
                Simulator.ReplayCommand);
        }

        task.GetAwaiter().GetResult();
        return result;
    }

    /// <summary>Runs <paramref name="call"/> as a simulated task until it completes; see <see cref="Run{T}"/>.</summary>
    public void Run(Func<Task> call, long limitMicros = 60_000_000) =>
        Run(async () =>
        {
            await call();
            return true;
        }, limitMicros);

    /// <summary>Puts through Raft, blocking; throws if it cannot.</summary>
    public void MustPut(string key, string value) => MustPutCf(ColumnFamily.Default, key, value);

    /// <summary>Puts in <paramref name="cf"/> through Raft, blocking; throws if it cannot.</summary>
    public void MustPutCf(string cf, string key, string value) => Run(() => PutAsync(Bytes(key), Bytes(value), cf));

    /// <summary>Reads through Raft, blocking, and requires <paramref name="value"/>.</summary>
    public void MustGet(string key, string value)
    {
        var actual = Run(() => GetAsync(Bytes(key)));
        if (actual is null || !actual.AsSpan().SequenceEqual(Bytes(value)))
        {
            throw new ClusterCallException($"expected {key} = {value}, read {(actual is null ? "nothing" : Printable(actual))}");
        }
    }

    /// <summary>Deletes through Raft, blocking.</summary>
    public void MustDelete(string key) => MustDeleteCf(ColumnFamily.Default, key);

    /// <summary>Deletes in <paramref name="cf"/> through Raft, blocking.</summary>
    public void MustDeleteCf(string cf, string key) => Run(() => DeleteAsync(Bytes(key), cf));

    /// <summary>Waits (up to 6 s of virtual time, as the original polls) until store <paramref name="storeId"/>'s kv engine holds <paramref name="key"/> = <paramref name="value"/> in <paramref name="cf"/>.</summary>
    public void MustGetCfEqual(ulong storeId, string cf, string key, string value) =>
        WaitForEngine(storeId, cf, key, v => v is not null && v.AsSpan().SequenceEqual(Bytes(value)), $"{key} = {value}");

    /// <summary>Waits until store <paramref name="storeId"/>'s kv engine holds <paramref name="key"/> = <paramref name="value"/> in the default column family.</summary>
    public void MustGetEqual(ulong storeId, string key, string value) => MustGetCfEqual(storeId, ColumnFamily.Default, key, value);

    /// <summary>Waits until store <paramref name="storeId"/>'s kv engine has no <paramref name="key"/> in <paramref name="cf"/>.</summary>
    public void MustGetCfNone(ulong storeId, string cf, string key) =>
        WaitForEngine(storeId, cf, key, v => v is null, $"no {key}");

    /// <summary>Waits until store <paramref name="storeId"/>'s kv engine has no <paramref name="key"/> in the default column family.</summary>
    public void MustGetNone(ulong storeId, string key) => MustGetCfNone(storeId, ColumnFamily.Default, key);

    /// <summary>Runs the simulation for <paramref name="micros"/> of virtual time.</summary>
    public void Sleep(long micros) => Simulator.RunFor(micros);

    /// <summary>Stops every store (the end of a test).</summary>
    public void Shutdown()
    {
        foreach (var storeId in _stores.Keys.ToList())
        {
            _stores[storeId].Stop();
            _stores.Remove(storeId);
            Network.Unregister(storeId);
        }
    }

    /// <summary>UTF-8 bytes of <paramref name="text"/>.</summary>
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A key or value as text for messages.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private void WaitForEngine(ulong storeId, string cf, string key, Func<byte[]?, bool> wanted, string what)
    {
        var engine = _engines[storeId].Kv;
        for (var i = 0; i < 300; i++)
        {
            if (wanted(engine.Get(cf, Bytes(key))))
            {
                return;
            }

            Simulator.RunFor(20_000);
        }

        var actual = engine.Get(cf, Bytes(key));
        throw new ClusterCallException($"store {storeId} ({cf}): expected {what}, found {(actual is null ? "nothing" : Printable(actual))}");
    }

    // "store3.tick": the kind of a store's trace line, made once per store and kind (ticks are many).
    private string StoreTraceKind(ulong store, string kind)
    {
        if (!_storeTraceKinds.TryGetValue((store, kind), out var traceKind))
        {
            traceKind = _storeTraceKinds[(store, kind)] = $"store{store.ToString(CultureInfo.InvariantCulture)}.{kind}";
        }

        return traceKind;
    }

    private void ResetFilters()
    {
        Network.ClearFilters();
        if (Options.NetworkJitterMicros > 0)
        {
            Network.Delay(0, Options.NetworkJitterMicros);
        }
    }

    // Describe, written straight into the trace line: a raft message (the common case) without
    // a string or a boxed number; anything else through Describe.
    private static bool DescribeInto(SnapshotChunk chunk, Span<char> destination, out int written)
    {
        if (chunk.Data.IsEmpty && chunk.Message is { IsTombstone: false, FromPeer: { } from, ToPeer: { } to, Message: { } m } message)
        {
            return destination.TryWrite(
                CultureInfo.InvariantCulture,
                $"r{message.RegionId} {from.Id}->{to.Id} {NameOf(m)} t{m.Term} i{m.Index} lt{m.LogTerm} c{m.Commit} n{m.Entries.Count}{(m.Reject ? " reject" : "")}",
                out written);
        }

        var text = Describe(chunk);
        written = text.Length;
        return text.AsSpan().TryCopyTo(destination);
    }

    private static string Describe(SnapshotChunk chunk) =>
        chunk.Data.IsEmpty ? Describe(chunk.Message) : $"snapshot chunk r{chunk.Message?.RegionId} {chunk.Message?.FromPeer?.Id}->{chunk.Message?.ToPeer?.Id} {chunk.Data.Length} bytes";

    private static string Describe(RaftMessage message) => message.IsTombstone
        ? string.Create(CultureInfo.InvariantCulture, $"r{message.RegionId} {message.FromPeer?.Id}->{message.ToPeer?.Id} tombstone (conf_ver {message.RegionEpoch?.ConfVer} version {message.RegionEpoch?.Version})")
        : string.Create(CultureInfo.InvariantCulture, $"r{message.RegionId} {message.FromPeer?.Id}->{message.ToPeer?.Id} {NameOf(message.Message)} t{message.Message?.Term} i{message.Message?.Index} lt{message.Message?.LogTerm} c{message.Message?.Commit} n{message.Message?.Entries.Count}{(message.Message?.Reject == true ? " reject" : "")}");

    // What "{message?.MsgType}" renders (empty when there is no message), each name made once.
    private static string NameOf(Message? message)
    {
        if (message is null)
        {
            return "";
        }

        var type = (int)message.MsgType;
        return (uint)type < (uint)MessageTypeNames.Length ? MessageTypeNames[type] : message.MsgType.ToString();
    }

    private static readonly string[] MessageTypeNames = [.. Enumerable.Range(0, 32).Select(t => ((MessageType)t).ToString())];

    private static string DescribeRequest(RaftCmdRequest request) =>
        string.Join(", ", request.Requests.Select(r => r.CmdType switch
        {
            CmdType.Put => $"put {Printable(r.Put.Key.Span)}={Printable(r.Put.Value.Span)}",
            CmdType.Delete => $"delete {Printable(r.Delete.Key.Span)}",
            CmdType.Get => $"get {Printable(r.Get.Key.Span)}",
            _ => r.CmdType.ToString(),
        }));

    private static string DescribeResponse(RaftCmdResponse response) =>
        response.Header?.Error is { } error ? $"error: {error.Message}" : string.Join(", ", response.Responses.Select(r => r.CmdType));
}

/// <summary>A store's answer to a command, with the snapshot of a Snap command (the caller disposes it).</summary>
public sealed record CommandResult(RaftCmdResponse Response, IEngineSnapshot? Snapshot);

/// <summary>One attempt of a client request: when it was sent, when it ended, and its result (null: no answer in time).</summary>
public sealed record AttemptOutcome(long CalledAt, long EndedAt, CommandResult? Result);

/// <summary>A client call of the test cluster failed (timed out, or got an unexpected answer).</summary>
public sealed class ClusterCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterCallException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ClusterCallException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public ClusterCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
