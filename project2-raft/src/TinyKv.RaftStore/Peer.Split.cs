using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.RaftStore;

// Region split: checking the size, asking the scheduler for ids, proposing and applying the Split
// command (3B). The size check and the round trip to the scheduler are given; proposing and
// applying the command are the students'.
public sealed partial class Peer
{
    private bool _splitChecking;

    /// <summary>The region's size in bytes as the last split check counted it, or null before the first.</summary>
    public ulong? ApproximateSize { get; private set; }

    /// <summary>Roughly how many bytes were written to the region since its last split check.</summary>
    public ulong SizeDiffHint { get; private set; }

    /// <summary>
    /// On the leader, every split check tick: when the region grew by enough since its last
    /// check (or was never checked), has the split checker measure it. A region too big comes
    /// back with a split key; the leader then asks the scheduler for the new region's ids and
    /// proposes the split.
    /// </summary>
    internal void OnSplitCheckTick()
    {
        if (!IsLeader || !Storage.IsInitialized || _splitChecking)
        {
            return;
        }

        if (ApproximateSize is not null && SizeDiffHint < Context.Config.RegionSplitCheckDiff)
        {
            return;
        }

        _splitChecking = true;
        Context.SplitChecker.Schedule(Region, OnSplitChecked);
    }

    /// <summary>Adds the size of what an applied command wrote to <see cref="SizeDiffHint"/>.</summary>
    private void CountWritten(Request request)
    {
        SizeDiffHint += request.CmdType switch
        {
            CmdType.Put => (ulong)(request.Put.Key.Length + request.Put.Value.Length),
            CmdType.Delete => (ulong)request.Delete.Key.Length,
            _ => 0,
        };
    }

    private void OnSplitChecked(Region checkedRegion, SplitCheckResult result)
    {
        _splitChecking = false;
        if (Stopped)
        {
            return;
        }

        ApproximateSize = result.ApproximateSize;
        SizeDiffHint = 0;
        if (result.SplitKey is not { } splitKey || !IsLeader || !checkedRegion.RegionEpoch.Equals(Region.RegionEpoch))
        {
            return;
        }

        Context.Observer.Trace(Context.StoreId, "split", $"{Tag} is {result.ApproximateSize} bytes: asks to split at {Quote.Readable(splitKey)}");
        Context.SchedulerClient.AskSplit(checkedRegion, answer => OnAskSplitAnswered(checkedRegion, splitKey, answer));
    }

    private void OnAskSplitAnswered(Region checkedRegion, byte[] splitKey, AskSplitResponse answer)
    {
        if (Stopped || !IsLeader || answer.Header?.Error is not null)
        {
            return;
        }

        var request = new RaftCmdRequest
        {
            Header = new RaftRequestHeader { RegionId = RegionId, Peer = Meta.Clone(), RegionEpoch = checkedRegion.RegionEpoch.Clone() },
            AdminRequest = new AdminRequest
            {
                CmdType = AdminCmdType.Split,
                Split = new SplitRequest { SplitKey = ByteString.CopyFrom(splitKey), NewRegionId = answer.NewRegionId },
            },
        };
        request.AdminRequest.Split.NewPeerIds.AddRange(answer.NewPeerIds);
        Context.Host.ProposeCommand(request, new Callback((_, snapshot) => snapshot?.Dispose()));
    }

    /// <summary>Why <paramref name="split"/> cannot cut <paramref name="region"/>, or null when it can.</summary>
    private static Proto.Errorpb.Error? SplitError(SplitRequest? split, Region region)
    {
        if (split is null || split.SplitKey.IsEmpty)
        {
            return new Proto.Errorpb.Error { Message = "a Split command names no split key" };
        }

        if (!RegionKeys.Contains(region, split.SplitKey.Span) || split.SplitKey.Equals(region.StartKey))
        {
            return RegionErrors.KeyNotInRegion(split.SplitKey, region);
        }

        if (split.NewPeerIds.Count != region.Peers.Count)
        {
            return new Proto.Errorpb.Error { Message = $"a Split command of region {region.Id} brings {split.NewPeerIds.Count} new peer ids for {region.Peers.Count} peers" };
        }

        return null;
    }

    /// <summary>
    /// Proposes a Split command: its key must cut the region strictly inside (the epoch was
    /// checked already), and it must bring one new peer id per peer.
    /// </summary>
    private void ProposeSplit(RaftCmdRequest request, Callback callback)
    {
#if TINYKV_REF_3B
        if (SplitError(request.AdminRequest.Split, Region) is { } error)
        {
            callback.Done(RegionErrors.Response(error, Term));
            return;
        }

        Propose(request, callback);
#else
        throw Todo.Slot("3B", "check the split key lies strictly inside the region and there is a new peer id per peer, then propose the command; see the 3B handout, 'Split'");
#endif
    }

    /// <summary>
    /// Applies a committed Split into <paramref name="batch"/>: checks it against the region as
    /// it is now (epoch and key: a split proposed before another change is refused), cuts the
    /// region at the split key — this region keeps the left half, a new region with the new
    /// ids takes the right — bumps the version of both, and persists both region states.
    /// </summary>
    /// <param name="split">The command.</param>
    /// <param name="request">The whole command, for its epoch.</param>
    /// <param name="batch">The apply batch.</param>
    /// <param name="created">Where the new region goes, for <see cref="AfterApply"/> to start its peer once the batch is written.</param>
    private (RaftCmdResponse Response, ApplyEffects Effects) ApplySplit(SplitRequest split, RaftCmdRequest request, WriteBatch batch, ICollection<Region> created)
    {
#if TINYKV_REF_3B
        if ((RegionEpochs.Check(request, Region, includeRegion: true) ?? SplitError(split, Region)) is { } error)
        {
            return (RegionErrors.Response(error), ApplyEffects.None);
        }

        var left = Region.Clone();
        left.RegionEpoch.Version++;
        var right = new Region
        {
            Id = split.NewRegionId,
            StartKey = split.SplitKey,
            EndKey = left.EndKey,
            RegionEpoch = left.RegionEpoch.Clone(),
        };
        for (var i = 0; i < left.Peers.Count; i++)
        {
            right.Peers.Add(new MetaPeer { Id = split.NewPeerIds[i], StoreId = left.Peers[i].StoreId });
        }

        left.EndKey = split.SplitKey;
        Storage.Region = left;
        batch.PutRegionState(left, PeerState.Normal);
        if (Context.Host.MayCreateSplitPeer(right))
        {
            batch.PutRegionState(right, PeerState.Normal);
            created.Add(right);
        }

        ApproximateSize = null; // Both halves are measured afresh.
        var response = AdminAnswer(AdminCmdType.Split, admin => admin.Split = new SplitResponse { Regions = { left.Clone(), right.Clone() } });
        return (response, ApplyEffects.RegionChanged);
#else
        throw Todo.Slot("3B", "apply the split: check epoch and key, cut the region (left keeps the id, right gets the new ids), bump the version, persist both region states; see the 3B handout, 'Split'");
#endif
    }
}
