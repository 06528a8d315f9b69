using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler.Tests.Simulation;

// The scheduler's commands, carried out the way a raftstore would: by the region's leader, for
// the epoch they were made against, one membership change at a time.
internal sealed partial class SimulatedStores
{
    /// <summary>
    /// The controller hands a command to the region's leader: it travels the network and is
    /// carried out when it arrives. Every command must belong to the operator running on its region.
    /// </summary>
    public void Send(RegionInfo region, RegionHeartbeatResponse response)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(response);
        if (Cluster.Operators.GetOperator(response.RegionId) is null)
        {
            throw new InvalidOperationException($"a command for region {response.RegionId} went out with no operator running on it: {response}");
        }

        var command = response.Clone();
        _sim.Schedule(RandomDelay(_network, _settings.MaxNetworkDelay), () => Receive(command));
    }

    /// <summary>
    /// A command arrives at the store of the peer it was sent to. It is dropped if that store is
    /// down, if the peer no longer leads, or if the region's epoch moved since the command was made
    /// (the store would answer with an epoch error); the controller sends it again later if needed.
    /// </summary>
    private void Receive(RegionHeartbeatResponse command)
    {
        if (!_stores[command.TargetPeer.StoreId].IsAlive
            || !_regions.TryGetValue(command.RegionId, out var region)
            || region.LeaderPeerId != command.TargetPeer.Id
            || command.RegionEpoch.Version != region.Epoch.Version
            || command.RegionEpoch.ConfVer != region.Epoch.ConfVer)
        {
            return;
        }

        if (command.TransferLeader is { } transfer)
        {
            TransferLeader(region, transfer.Peer.Id);
        }
        else if (command.ChangePeer is { } change)
        {
            ProposeConfChange(region, change.ChangeType, change.Peer.Clone());
        }
    }

    /// <summary>Leadership moves to a caught-up peer on a live store, after a round of Raft messages.</summary>
    private void TransferLeader(SimRegion region, ulong peerId)
    {
        var target = region.Meta.Peers.FirstOrDefault(p => p.Id == peerId);
        if (target is null || region.PendingPeerIds.Contains(peerId) || !_stores[target.StoreId].IsAlive)
        {
            return;
        }

        var from = region.LeaderPeerId;
        _sim.Schedule(RandomDelay(_raft, _settings.MaxRaftDelay), () =>
        {
            if (region.LeaderPeerId != from || region.Meta.Peers.All(p => p.Id != peerId) || !_stores[target.StoreId].IsAlive)
            {
                return;
            }

            region.LeaderPeerId = peerId;
            SendReport(region);
        });
    }

    /// <summary>
    /// A membership change enters the log, unless another one is on its way (Raft takes one at a
    /// time), it would change nothing, or too few peers are up to commit it. A leader asked to
    /// remove itself refuses and hands leadership to a caught-up follower instead, as the
    /// raftstore does; the scheduler sends the removal again to the new leader.
    /// </summary>
    private void ProposeConfChange(SimRegion region, ConfChangeType type, Peer peer)
    {
        if (region.ConfChangeInFlight || !HasQuorum(region))
        {
            return;
        }

        if (type == ConfChangeType.RemoveNode && peer.Id == region.LeaderPeerId)
        {
            var successor = region.Meta.Peers
                .Where(p => p.Id != peer.Id && !region.PendingPeerIds.Contains(p.Id) && _stores[p.StoreId].IsAlive)
                .OrderBy(p => p.Id)
                .FirstOrDefault();
            if (successor is not null)
            {
                TransferLeader(region, successor.Id);
            }

            return;
        }

        var ignored = type switch
        {
            ConfChangeType.AddNode => region.PeerOn(peer.StoreId) is not null || !_stores.ContainsKey(peer.StoreId),
            ConfChangeType.RemoveNode => region.Meta.Peers.All(p => p.Id != peer.Id),
            _ => true,
        };
        if (ignored)
        {
            return;
        }

        region.ConfChangeInFlight = true;
        _sim.Schedule(RandomDelay(_raft, _settings.MaxRaftDelay), () => ApplyConfChange(region, type, peer));
    }

    /// <summary>
    /// The membership change applies: the peer joins (pending until its snapshot arrives) or
    /// leaves, conf_ver grows by one, and the leader reports the region at once. Lost if the
    /// leader's store went down meanwhile.
    /// </summary>
    private void ApplyConfChange(SimRegion region, ConfChangeType type, Peer peer)
    {
        region.ConfChangeInFlight = false;
        if (region.Leader is not { } leader || !_stores[leader.StoreId].IsAlive)
        {
            return;
        }

        if (type == ConfChangeType.AddNode)
        {
            region.Meta.Peers.Add(peer);
            region.PendingPeerIds.Add(peer.Id);
            CatchUp(region, peer);
        }
        else
        {
            var removed = region.Meta.Peers.First(p => p.Id == peer.Id);
            region.Meta.Peers.Remove(removed);
            region.PendingPeerIds.Remove(peer.Id);
        }

        region.Epoch.ConfVer++;
        MembershipChanges++;
        _sim.Record("conf-change", $"{type} {peer.Id}@{peer.StoreId}: {region}");
        CheckMembership(region);
        SendReport(region);
    }

    /// <summary>A new peer on a live store receives its snapshot (longer for a larger region) and stops being pending.</summary>
    private void CatchUp(SimRegion region, Peer peer)
    {
        var store = _stores[peer.StoreId];
        if (!store.IsAlive)
        {
            return;
        }

        store.ReceivingSnapshots++;
        var time = _settings.SnapshotBaseTime + (_settings.SnapshotTimePerMiB * SizeMiB(region)) + RandomDuration(_raft, _settings.SnapshotBaseTime);
        _sim.Schedule(Micros(time), () =>
        {
            store.ReceivingSnapshots--;
            if (store.IsAlive && region.PendingPeerIds.Remove(peer.Id))
            {
                SendReport(region);
            }
        });
    }

    /// <summary>
    /// After its leader's store went down, a region elects a random caught-up peer on a live store,
    /// if a majority of its peers is still up and caught up; the new leader reports at once.
    /// </summary>
    private void Elect(SimRegion region)
    {
        if (region.Leader is { } leader && _stores[leader.StoreId].IsAlive)
        {
            return;
        }

        var candidates = region.Meta.Peers
            .Where(p => _stores[p.StoreId].IsAlive && !region.PendingPeerIds.Contains(p.Id))
            .OrderBy(p => p.Id)
            .ToList();
        if (candidates.Count == 0 || !HasQuorum(region))
        {
            region.LeaderPeerId = 0;
            return;
        }

        region.LeaderPeerId = candidates[_raft.Next(candidates.Count)].Id;
        _sim.Record("election", region.ToString());
        SendReport(region);
    }

    /// <summary>True if more than half of the region's peers are up and caught up: enough to commit.</summary>
    private bool HasQuorum(SimRegion region) =>
        region.Meta.Peers.Count(p => _stores[p.StoreId].IsAlive && !region.PendingPeerIds.Contains(p.Id)) * 2 > region.Meta.Peers.Count;
}
