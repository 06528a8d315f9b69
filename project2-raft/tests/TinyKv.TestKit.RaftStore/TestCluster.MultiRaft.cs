using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.TestKit.RaftStore;

// The calls of stage 3B's tests: leader transfer, adding and removing peers through the
// scheduler, and finding regions once they split.
public sealed partial class TestCluster
{
    /// <summary>How long the 3B <c>Must…</c> calls wait for the scheduler to show what they asked for (virtual time).</summary>
    public const long MembershipTimeoutMicros = 5_000_000;

    // How often those calls look at the scheduler again.
    private const long MembershipPollMicros = 10_000;

    /// <summary>Peer <paramref name="peerId"/> on store <paramref name="storeId"/> (the bootstrapped region's peers have id = store id).</summary>
    public static MetaPeer NewPeer(ulong storeId, ulong peerId) => new() { Id = peerId, StoreId = storeId };

    /// <summary>The region that holds <paramref name="key"/>, blocking; see <see cref="GetRegionAsync"/>.</summary>
    public Region GetRegion(byte[] key) => Run(() => GetRegionAsync(key));

    /// <summary>The region that holds <paramref name="key"/> (as UTF-8), blocking; see <see cref="GetRegionAsync"/>.</summary>
    public Region GetRegion(string key) => GetRegion(Bytes(key));

    /// <summary>
    /// A region whose leader the scheduler knows, picked with the cluster's client random stream
    /// (the same seed picks the same regions); null when it knows no leader yet.
    /// </summary>
    public Region? GetRandomRegion()
    {
        var led = Scheduler.Regions.Where(r => Scheduler.LeaderOf(r.Id) is not null).ToList();
        return led.Count == 0 ? null : led[_clientRandom.Next(led.Count)];
    }

    /// <summary>
    /// Asks the leader of region <paramref name="regionId"/> once to hand its leadership to
    /// <paramref name="peer"/>: an admin TransferLeader command built with the region's epoch as
    /// the scheduler knows it. The leader answers at once; the transfer itself happens after.
    /// </summary>
    /// <returns>The answer (null: none came within <paramref name="timeoutMicros"/>); it may carry a region error.</returns>
    /// <exception cref="ClusterCallException">The scheduler knows no such region, or the store answered with something else than a TransferLeader response.</exception>
    public async Task<CommandResult?> TransferLeaderAsync(ulong regionId, MetaPeer peer, long timeoutMicros = MembershipTimeoutMicros)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var (region, _) = Scheduler.GetRegionById(regionId);
        if (region is null)
        {
            throw new ClusterCallException($"transfer leader: the scheduler knows no region {regionId}");
        }

        var request = new RaftCmdRequest
        {
            Header = new RaftRequestHeader { RegionId = regionId, RegionEpoch = region.RegionEpoch?.Clone() },
            AdminRequest = new AdminRequest
            {
                CmdType = AdminCmdType.TransferLeader,
                TransferLeader = new TransferLeaderRequest { Peer = peer.Clone() },
            },
        };
        var result = await CallCommandOnLeaderAsync(request, timeoutMicros);
        if (result is { Response: var response } && response.Header?.Error is null && response.AdminResponse?.CmdType != AdminCmdType.TransferLeader)
        {
            result.Snapshot?.Dispose();
            throw new ClusterCallException(
                $"transfer leader of region {regionId}: expected an admin TransferLeader response, got {(response.AdminResponse is null ? "no admin response" : response.AdminResponse.CmdType.ToString())}");
        }

        return result;
    }

    /// <summary>
    /// Asks the leader of region <paramref name="regionId"/> to hand its leadership to
    /// <paramref name="peer"/> until the scheduler reports <paramref name="peer"/> as the leader.
    /// </summary>
    /// <exception cref="ClusterCallException">It did not within <see cref="MembershipTimeoutMicros"/> of virtual time.</exception>
    public async Task MustTransferLeaderAsync(ulong regionId, MetaPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var deadline = Simulator.Now + MembershipTimeoutMicros;
        var lastAnswer = "none yet";
        while (true)
        {
            if (Scheduler.LeaderOf(regionId) is { } current && current.Id == peer.Id && current.StoreId == peer.StoreId)
            {
                return;
            }

            if (Simulator.Now >= deadline)
            {
                throw new ClusterCallException(
                    $"could not make peer {peer.Id} (store {peer.StoreId}) the leader of region {regionId} within {MembershipTimeoutMicros / 1000} ms: " +
                    $"{SchedulerView(regionId)}; the last answer to TransferLeader: {lastAnswer}");
            }

            var result = await TransferLeaderAsync(regionId, peer, Math.Max(deadline - Simulator.Now, 1_000_000));
            lastAnswer = result is null ? "none (timed out)" : DescribeResponse(result.Response);
            result?.Snapshot?.Dispose();

            // The scheduler learns of the new leader from its first heartbeat: look again shortly.
            await Simulator.Delay(MembershipPollMicros);
        }
    }

    /// <summary>Blocking <see cref="MustTransferLeaderAsync"/>.</summary>
    public void MustTransferLeader(ulong regionId, MetaPeer peer) => Run(() => MustTransferLeaderAsync(regionId, peer));

    /// <summary>Orders region <paramref name="regionId"/> (through the scheduler) to add <paramref name="peer"/>, and waits until the scheduler shows it.</summary>
    /// <exception cref="ClusterCallException">It did not within <see cref="MembershipTimeoutMicros"/>.</exception>
    public Task MustAddPeerAsync(ulong regionId, MetaPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        Scheduler.AddPeer(regionId, peer);
        return MustHavePeerAsync(regionId, peer);
    }

    /// <summary>Blocking <see cref="MustAddPeerAsync"/>.</summary>
    public void MustAddPeer(ulong regionId, MetaPeer peer) => Run(() => MustAddPeerAsync(regionId, peer));

    /// <summary>Orders region <paramref name="regionId"/> (through the scheduler) to remove <paramref name="peer"/>, and waits until the scheduler shows it gone.</summary>
    /// <exception cref="ClusterCallException">It did not within <see cref="MembershipTimeoutMicros"/>.</exception>
    public Task MustRemovePeerAsync(ulong regionId, MetaPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        Scheduler.RemovePeer(regionId, peer);
        return MustNonePeerAsync(regionId, peer);
    }

    /// <summary>Blocking <see cref="MustRemovePeerAsync"/>.</summary>
    public void MustRemovePeer(ulong regionId, MetaPeer peer) => Run(() => MustRemovePeerAsync(regionId, peer));

    /// <summary>
    /// Waits until the scheduler's view of region <paramref name="regionId"/> has
    /// <paramref name="peer"/> as its peer on <paramref name="peer"/>'s store, looking every 10 ms.
    /// </summary>
    /// <exception cref="ClusterCallException">It did not within <see cref="MembershipTimeoutMicros"/>.</exception>
    public Task MustHavePeerAsync(ulong regionId, MetaPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return WaitForSchedulerAsync(
            regionId,
            region => region is not null && PeerOnStore(region, peer.StoreId)?.Id == peer.Id,
            $"region {regionId} to have peer {peer.Id} on store {peer.StoreId}");
    }

    /// <summary>Blocking <see cref="MustHavePeerAsync"/>.</summary>
    public void MustHavePeer(ulong regionId, MetaPeer peer) => Run(() => MustHavePeerAsync(regionId, peer));

    /// <summary>
    /// Waits until the scheduler's view of region <paramref name="regionId"/> has no
    /// <paramref name="peer"/>: no peer on its store, or another one; looks every 10 ms.
    /// </summary>
    /// <exception cref="ClusterCallException">It did not within <see cref="MembershipTimeoutMicros"/>.</exception>
    public Task MustNonePeerAsync(ulong regionId, MetaPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return WaitForSchedulerAsync(
            regionId,
            region => region is not null && PeerOnStore(region, peer.StoreId)?.Id != peer.Id,
            $"region {regionId} to be rid of peer {peer.Id} on store {peer.StoreId}");
    }

    /// <summary>Blocking <see cref="MustNonePeerAsync"/>.</summary>
    public void MustNonePeer(ulong regionId, MetaPeer peer) => Run(() => MustNonePeerAsync(regionId, peer));

    /// <summary>The peer of <paramref name="region"/> on store <paramref name="storeId"/>, or null.</summary>
    public static MetaPeer? PeerOnStore(Region region, ulong storeId)
    {
        ArgumentNullException.ThrowIfNull(region);
        return region.Peers.FirstOrDefault(p => p.StoreId == storeId);
    }

    private async Task WaitForSchedulerAsync(ulong regionId, Func<Region?, bool> done, string waitingFor)
    {
        var deadline = Simulator.Now + MembershipTimeoutMicros;
        while (true)
        {
            var (region, _) = Scheduler.GetRegionById(regionId);
            if (done(region))
            {
                return;
            }

            if (Simulator.Now >= deadline)
            {
                throw new ClusterCallException(
                    $"waited {MembershipTimeoutMicros / 1000} ms for {waitingFor}: {SchedulerView(regionId)}");
            }

            await Simulator.Delay(MembershipPollMicros);
        }
    }

    // What the scheduler knows of a region, for the messages of the calls above.
    private string SchedulerView(ulong regionId)
    {
        var (region, leader) = Scheduler.GetRegionById(regionId);
        if (region is null)
        {
            return $"the scheduler knows no region {regionId}";
        }

        var order = Scheduler.HasOrder(regionId) ? "an order still waits to take effect" : "no order waits";
        return $"the scheduler knows region {regionId} as {MockScheduler.Describe(region)}, " +
            $"leader {(leader is null ? "unknown" : $"{leader.Id}@{leader.StoreId}")}, {order}";
    }
}
