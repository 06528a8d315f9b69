using TinyKv.Proto.RaftCmdpb;

namespace TinyKv.RaftStore;

// Raft log garbage collection: proposing CompactLog, applying it, deleting the entries (2C).
public sealed partial class Peer
{
    /// <summary>
    /// On the leader, every GC tick: once more than the configured number of applied entries
    /// sit in the log, proposes a CompactLog command that truncates the log up to the applied
    /// index. Every peer applies it for itself (<see cref="ApplyCompactLog"/>).
    /// </summary>
    internal void OnRaftLogGcTick()
    {
        if (!IsLeader)
        {
            return;
        }

        var applied = Storage.AppliedIndex;
        var first = Storage.FirstIndex();
        if (applied <= first || applied - first < Context.Config.RaftLogGcCountLimit)
        {
            return;
        }

#if TINYKV_REF_2C
        var request = new RaftCmdRequest
        {
            Header = new RaftRequestHeader { RegionId = RegionId, Peer = Meta.Clone(), RegionEpoch = Region.RegionEpoch?.Clone() },
            AdminRequest = new AdminRequest
            {
                CmdType = AdminCmdType.CompactLog,
                CompactLog = new CompactLogRequest { CompactIndex = applied, CompactTerm = Storage.Term(applied) },
            },
        };
        ProposeRaftCommand(request, new Callback((_, snapshot) => snapshot?.Dispose()));
#else
        throw Todo.Slot("2C", "enough applied entries piled up in the log: propose a CompactLog command up to the applied index; see the 2C handout, 'Log compaction'");
#endif
    }

    /// <summary>
    /// Applies a CompactLog command (every peer, leader and followers): moves the truncated state
    /// forward to the compact index and term. The truncated state is part of the apply state, so
    /// it is written with the applied index, in the same batch. A stale command (at or before the
    /// truncated index) changes nothing.
    /// </summary>
    /// <returns>
    /// <see cref="ApplyEffects.LogCompacted"/> when the truncated state moved, so that
    /// <see cref="AfterApply"/> has the old entries deleted once the batch is written;
    /// <see cref="ApplyEffects.None"/> otherwise.
    /// </returns>
    private ApplyEffects ApplyCompactLog(CompactLogRequest compact)
    {
#if TINYKV_REF_2C
        if (compact.CompactIndex <= Storage.TruncatedIndex)
        {
            return ApplyEffects.None;
        }

        Storage.ApplyState.TruncatedState.Index = compact.CompactIndex;
        Storage.ApplyState.TruncatedState.Term = compact.CompactTerm;
        return ApplyEffects.LogCompacted;
#else
        throw Todo.Slot("2C", "apply CompactLog: move the truncated state forward (it is written with the applied index) and return LogCompacted, so the old entries get deleted; see the 2C handout, 'Log compaction'");
#endif
    }

    /// <summary>
    /// After a compaction is written: hands the entries from <see cref="LastCompactedIndex"/> up
    /// to the truncated index to the raft log GC worker.
    /// </summary>
    private void ScheduleLogGc()
    {
        var truncated = Storage.TruncatedIndex;
        Context.GcWorker.Schedule(RegionId, LastCompactedIndex, truncated + 1);
        LastCompactedIndex = truncated + 1;
    }
}
