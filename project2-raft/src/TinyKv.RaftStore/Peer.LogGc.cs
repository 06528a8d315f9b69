using TinyKv.Proto.RaftCmdpb;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

// Raft log garbage collection: proposing CompactLog, applying it, deleting the entries (2C).
public sealed partial class Peer
{
    private bool _compactedInThisEntry;

    /// <summary>
    /// On the leader, every GC tick: once more than the configured number of applied entries
    /// sit in the log, proposes a CompactLog command that truncates the log up to the applied
    /// index. Every peer applies it for itself (<see cref="ApplyAdmin"/>).
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

    /// <summary>Applies an admin command; stage 2C handles CompactLog, stage 3B the others.</summary>
    private RaftCmdResponse ApplyAdmin(AdminRequest admin, WriteBatch batch)
    {
        var response = new RaftCmdResponse { Header = new RaftResponseHeader(), AdminResponse = new AdminResponse { CmdType = admin.CmdType } };
        switch (admin.CmdType)
        {
            case AdminCmdType.CompactLog:
#if TINYKV_REF_2C
                var compact = admin.CompactLog;
                if (compact.CompactIndex > Storage.TruncatedIndex)
                {
                    Storage.ApplyState.TruncatedState.Index = compact.CompactIndex;
                    Storage.ApplyState.TruncatedState.Term = compact.CompactTerm;
                    _compactedInThisEntry = true;
                }

                response.AdminResponse.CompactLog = new CompactLogResponse();
                return response;
#else
                throw Todo.Slot("2C", "apply CompactLog: move the truncated state forward (it is written with the applied index) and have the old entries deleted; see the 2C handout, 'Log compaction'");
#endif
            default:
                return RegionErrors.Response(new Proto.Errorpb.Error { Message = $"admin command {admin.CmdType} is not supported by this store" });
        }
    }

    /// <summary>After an entry is applied and written: hands the truncated entries to the GC worker.</summary>
    private void AfterApply()
    {
        if (!_compactedInThisEntry)
        {
            return;
        }

        _compactedInThisEntry = false;
        var truncated = Storage.TruncatedIndex;
        Context.GcWorker.Schedule(RegionId, LastCompactedIndex, truncated + 1);
        LastCompactedIndex = truncated + 1;
    }
}
