using TinyKv.Proto.Eraftpb;
using TinyKv.Runtime;

namespace TinyKv.RaftStore;

/// <summary>
/// What every peer of a store shares: the store's id, configuration, engines and seams (the
/// scheduler loop, the transport, the scheduler client), and the raft log GC worker.
/// </summary>
public sealed class StoreContext
{
    internal StoreContext(
        ulong storeId,
        RaftStoreConfig config,
        Engines engines,
        IScheduler scheduler,
        ITransport transport,
        ISchedulerClient schedulerClient,
        RaftLogGcWorker gcWorker,
        Snap.SnapshotFiles snapshotFiles,
        IRaftStoreObserver observer,
        StoreHost host)
    {
        Host = host;
        SplitChecker = new SplitCheckWorker(engines.Kv, scheduler, config);
        SnapshotFiles = snapshotFiles;
        StoreId = storeId;
        Config = config;
        Engines = engines;
        Scheduler = scheduler;
        Transport = transport;
        SchedulerClient = schedulerClient;
        GcWorker = gcWorker;
        Observer = observer;
    }

    /// <summary>The id of the store.</summary>
    public ulong StoreId { get; }

    /// <summary>The store's configuration.</summary>
    public RaftStoreConfig Config { get; }

    /// <summary>The store's engines.</summary>
    public Engines Engines { get; }

    /// <summary>The loop the store runs on: time and deferred work.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>Sends raft messages to other stores.</summary>
    public ITransport Transport { get; }

    /// <summary>Reports regions to the cluster scheduler.</summary>
    public ISchedulerClient SchedulerClient { get; }

    /// <summary>Deletes compacted raft log entries in the background (2C).</summary>
    public RaftLogGcWorker GcWorker { get; }

    /// <summary>The store's snapshot files: generated ones waiting to be sent, received ones waiting to be applied (2C).</summary>
    public Snap.SnapshotFiles SnapshotFiles { get; }

    /// <summary>Told what the store applies, for tests' invariant checks.</summary>
    public IRaftStoreObserver Observer { get; }

    /// <summary>Measures regions for splitting (3B).</summary>
    public SplitCheckWorker SplitChecker { get; }

    /// <summary>The store itself: peers ask it to create, destroy and route (3B).</summary>
    internal StoreHost Host { get; }
}

/// <summary>
/// Sees what a store's peers do, for the invariant checks of tests; a server passes
/// <see cref="None"/>. Called on the store's loop; must not change anything.
/// </summary>
public interface IRaftStoreObserver
{
    /// <summary>An observer that ignores everything.</summary>
    public static IRaftStoreObserver None { get; } = new NoObserver();

    /// <summary>Peer <paramref name="peerId"/> of store <paramref name="storeId"/> applied <paramref name="entry"/> of region <paramref name="regionId"/>.</summary>
    void Applied(ulong storeId, ulong regionId, ulong peerId, Entry entry);

    /// <summary>Something worth a line in a run's trace happened on store <paramref name="storeId"/> (a tick, a role change, a dropped message).</summary>
    void Trace(ulong storeId, string kind, string text);

    /// <summary>
    /// <paramref name="store"/> finished a round: <paramref name="peers"/> are the peers it
    /// handled, every peer whose Raft node or region may have changed since its last round
    /// (anything that touches a peer makes it part of the store's next round).
    /// </summary>
    void RoundDone(StoreHost store, IReadOnlyList<Peer> peers);

    private sealed class NoObserver : IRaftStoreObserver
    {
        public void RoundDone(StoreHost store, IReadOnlyList<Peer> peers)
        {
        }

        public void Applied(ulong storeId, ulong regionId, ulong peerId, Entry entry)
        {
        }

        public void Trace(ulong storeId, string kind, string text)
        {
        }
    }
}
