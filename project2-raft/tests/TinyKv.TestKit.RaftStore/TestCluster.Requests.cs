using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.RaftStore;
using TinyKv.Storage.Engine;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.TestKit.RaftStore;

// The client side of the cluster: finding a key's region and its leader, sending a command to a
// store and waiting for its callback, retrying on region errors and timeouts as the original's
// test client does, and the put / get / delete / scan built on them.
public sealed partial class TestCluster
{
    /// <summary>The region that holds <paramref name="key"/> (waits up to 2 s of virtual time for the scheduler to know it).</summary>
    public async Task<Region> GetRegionAsync(byte[] key) =>
        await FindRegionAsync(key) ?? throw new ClusterCallException($"no region holds key {Printable(key)}");

    /// <summary>The region that holds <paramref name="key"/>, waiting up to 2 s of virtual time for the scheduler to know one; null when it does not.</summary>
    private async Task<Region?> FindRegionAsync(byte[] key)
    {
        for (var i = 0; i < 100; i++)
        {
            if (Scheduler.GetRegion(key) is { } region)
            {
                return region;
            }

            await Simulator.Delay(20_000);
        }

        return null;
    }

    /// <summary>The leader the scheduler knows for <paramref name="regionId"/> (waits up to 5 s of virtual time), or null.</summary>
    public async Task<MetaPeer?> LeaderOfRegionAsync(ulong regionId)
    {
        for (var i = 0; i < 500; i++)
        {
            if (Scheduler.LeaderOf(regionId) is { } leader)
            {
                return leader;
            }

            await Simulator.Delay(10_000);
        }

        return null;
    }

    /// <summary>
    /// Sends <paramref name="request"/> to the store its header names and waits for the answer
    /// at most <paramref name="timeoutMicros"/>; null when none came (the store is down, the
    /// request or the answer was lost, or the command is still waiting in the log).
    /// </summary>
    public Task<CommandResult?> CallCommandOnStoreAsync(ulong storeId, RaftCmdRequest request, long timeoutMicros)
    {
        ArgumentNullException.ThrowIfNull(request);
        var done = new TaskCompletionSource<CommandResult?>();
        var timer = Simulator.Schedule(timeoutMicros, () => done.TrySetResult(null));
        var sent = request.Clone();
        Simulator.Record("client.call", $"store {storeId}: {DescribeRequest(sent)}");
        Simulator.Schedule(Options.ClientLatencyMicros, () =>
        {
            if (_stores.GetValueOrDefault(storeId) is not { IsRunning: true } store)
            {
                return;
            }

            store.ProposeCommand(sent, new Callback((response, snapshot) =>
                Simulator.Schedule(Options.ClientLatencyMicros, () =>
                {
                    Simulator.Record("client.reply", $"store {storeId}: {DescribeResponse(response)}");
                    timer.Cancel();
                    if (!done.TrySetResult(new CommandResult(response, snapshot)))
                    {
                        snapshot?.Dispose();
                    }
                })));
        });
        return done.Task;
    }

    /// <summary>
    /// Runs <paramref name="requests"/> on the leader of the region of <paramref name="key"/>,
    /// retrying through elections, lost messages and stale epochs as the original harness
    /// does: at least ten attempts and for at least <paramref name="timeoutMicros"/>.
    /// </summary>
    /// <exception cref="ClusterCallException">No attempt succeeded in time.</exception>
    public async Task<CommandResult> RequestAsync(byte[] key, IReadOnlyList<Request> requests, long timeoutMicros = 5_000_000, Action<AttemptOutcome>? onAttempt = null)
    {
        var start = Simulator.Now;
        for (var i = 0; i < 10 || Simulator.Now - start < timeoutMicros; i++)
        {
            if (await FindRegionAsync(key) is not { } region)
            {
                // The scheduler knows no region for the key yet (a region split off and has not
                // elected a leader to report it): one more attempt used up, not the whole request.
                continue;
            }

            var request = new RaftCmdRequest
            {
                Header = new RaftRequestHeader { RegionId = region.Id, RegionEpoch = region.RegionEpoch?.Clone() },
            };
            request.Requests.AddRange(requests.Select(r => r.Clone()));
            var result = await CallCommandOnLeaderAsync(request, timeoutMicros, onAttempt);
            if (result is null || result.Response.Header?.Error is not null)
            {
                // Whatever the error — EpochNotMatch or KeyNotInRegion after a split, RegionNotFound
                // after a conf change, a leader that never answered — the next attempt asks the
                // scheduler again for the region of the key, so it is rebuilt with the region's
                // current id and epoch and sent to its current leader.
                result?.Snapshot?.Dispose();
                await Simulator.Delay(100_000);
                continue;
            }

            return result;
        }

        throw new ClusterCallException($"request timed out: {DescribeRequest(new RaftCmdRequest { Requests = { requests } })}");
    }

    /// <summary>
    /// Sends <paramref name="request"/> to the region's leader, following NotLeader hints and
    /// trying another peer when the leader does not answer or its store has no peer of the region
    /// (RegionNotFound), until <paramref name="timeoutMicros"/> passed (then null).
    /// </summary>
    /// <remarks>
    /// EpochNotMatch and KeyNotInRegion are returned, as is any other error: resending the same
    /// request cannot get past them, since it names a region that changed, and only its caller
    /// can rebuild it (<see cref="RequestAsync"/> does, from the scheduler's current region).
    /// </remarks>
    public async Task<CommandResult?> CallCommandOnLeaderAsync(RaftCmdRequest request, long timeoutMicros, Action<AttemptOutcome>? onAttempt = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var start = Simulator.Now;
        var regionId = request.Header.RegionId;
        var leader = await LeaderOfRegionAsync(regionId)
            ?? throw new ClusterCallException($"no leader of region {regionId} known");
        while (Simulator.Now - start <= timeoutMicros)
        {
            request.Header.Peer = leader.Clone();
            var called = Simulator.Now;
            var result = await CallCommandOnStoreAsync(leader.StoreId, request, 1_000_000);
            onAttempt?.Invoke(new AttemptOutcome(called, Simulator.Now, result));
            if (result is null)
            {
                if (await AnotherPeerToTryAsync(regionId, leader) is not { } next)
                {
                    return null;
                }

                leader = next;
                continue;
            }

            if (result.Response.Header?.Error is { } error && (error.StaleCommand is not null || error.NotLeader is not null))
            {
                result.Snapshot?.Dispose();
                leader = error.NotLeader?.Leader is { Id: not 0 } hinted ? hinted : await LeaderOfRegionAsync(regionId) ?? leader;
                continue;
            }

            if (result.Response.Header?.Error is { RegionNotFound: not null })
            {
                // The peer the scheduler named was removed (or is not created yet) on that store:
                // its view is behind. A short pause, so a store that answers at once is not asked
                // in a tight loop, then the leader it names now or another peer.
                if (await AnotherPeerToTryAsync(regionId, leader) is not { } next)
                {
                    return result;
                }

                leader = next;
                await Simulator.Delay(10_000);
                continue;
            }

            return result;
        }

        return null;
    }

    // The peer to try after `tried` gave no useful answer: the leader the scheduler knows now if
    // it is another one, else a random peer of the region as the scheduler knows it (null: the
    // scheduler knows no peer of it).
    private async Task<MetaPeer?> AnotherPeerToTryAsync(ulong regionId, MetaPeer tried)
    {
        var newLeader = await LeaderOfRegionAsync(regionId);
        if (newLeader is not null && !newLeader.Equals(tried))
        {
            return newLeader;
        }

        var (region, _) = Scheduler.GetRegionById(regionId);
        if (region is null || region.Peers.Count == 0)
        {
            return null;
        }

        return region.Peers[_clientRandom.Next(region.Peers.Count)];
    }

    /// <summary>Puts <paramref name="key"/> = <paramref name="value"/> in column family <paramref name="cf"/> through Raft.</summary>
    public async Task PutAsync(byte[] key, byte[] value, string cf = ColumnFamily.Default, Action<AttemptOutcome>? onAttempt = null)
    {
        var result = await RequestAsync(key, [new Request { CmdType = CmdType.Put, Put = new PutRequest { Cf = cf, Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(value) } }], onAttempt: onAttempt);
        Expect(result, CmdType.Put);
    }

    /// <summary>Reads <paramref name="key"/> of column family <paramref name="cf"/> through Raft; null when absent.</summary>
    public async Task<byte[]?> GetAsync(byte[] key, string cf = ColumnFamily.Default, Action<AttemptOutcome>? onAttempt = null)
    {
        var result = await RequestAsync(key, [new Request { CmdType = CmdType.Get, Get = new GetRequest { Cf = cf, Key = ByteString.CopyFrom(key) } }], onAttempt: onAttempt);
        var value = Expect(result, CmdType.Get).Get.Value;
        return value.IsEmpty ? null : value.ToByteArray();
    }

    /// <summary>Deletes <paramref name="key"/> of column family <paramref name="cf"/> through Raft.</summary>
    public async Task DeleteAsync(byte[] key, string cf = ColumnFamily.Default, Action<AttemptOutcome>? onAttempt = null)
    {
        var result = await RequestAsync(key, [new Request { CmdType = CmdType.Delete, Delete = new DeleteRequest { Cf = cf, Key = ByteString.CopyFrom(key) } }], onAttempt: onAttempt);
        Expect(result, CmdType.Delete);
    }

    /// <summary>
    /// The pairs of the default column family in [<paramref name="start"/>, <paramref name="end"/>)
    /// (an empty end: to the last key), read region by region from snapshots taken through Raft.
    /// </summary>
    public async Task<IReadOnlyList<KeyValuePair<byte[], byte[]>>> ScanAsync(byte[] start, byte[] end)
    {
        var pairs = new List<KeyValuePair<byte[], byte[]>>();
        var key = start;
        var since = Simulator.Now; // when the current key was first asked for
        while (end.Length == 0 || ByteComparer.Compare(key, end) < 0)
        {
            var result = await RequestAsync(key, [new Request { CmdType = CmdType.Snap, Snap = new SnapRequest() }]);
            var region = Expect(result, CmdType.Snap).Snap.Region;
            if (!RegionKeys.Contains(region, key))
            {
                // The region changed between routing and answering (it split, and the scheduler
                // had not heard yet): this snapshot's region does not hold the key, and reading
                // from it would skip keys or read them twice. Ask again.
                result.Snapshot?.Dispose();
                if (Simulator.Now - since > 5_000_000)
                {
                    throw new ClusterCallException(
                        $"scan: for 5 s the Snap for key {Printable(key)} was answered by a region that does not hold it (last: region {region.Id} {MockScheduler.Describe(region)})");
                }

                await Simulator.Delay(100_000);
                continue;
            }

            using (var snapshot = result.Snapshot ?? throw new ClusterCallException("a Snap response came without a snapshot"))
            using (var iterator = snapshot.NewIterator(ColumnFamily.Default))
            {
                for (iterator.Seek(key); iterator.Valid; iterator.Next())
                {
                    var current = iterator.Key;
                    if ((end.Length > 0 && ByteComparer.Compare(current, end) >= 0) || !RegionKeys.Contains(region, current))
                    {
                        break;
                    }

                    pairs.Add(new(current, iterator.Value));
                }
            }

            key = region.EndKey.ToByteArray();
            since = Simulator.Now;
            if (key.Length == 0)
            {
                break;
            }
        }

        return pairs;
    }

    private static Response Expect(CommandResult result, CmdType type)
    {
        if (result.Response.Header?.Error is { } error)
        {
            throw new ClusterCallException($"the request failed: {error.Message}");
        }

        if (result.Response.Responses.Count != 1 || result.Response.Responses[0].CmdType != type)
        {
            throw new ClusterCallException($"expected one {type} response, got [{string.Join(", ", result.Response.Responses.Select(r => r.CmdType))}]");
        }

        return result.Response.Responses[0];
    }
}
