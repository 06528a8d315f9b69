using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

// Executing committed entries against the kv engine and answering their proposals (2B).
public sealed partial class Peer
{
    /// <summary>
    /// Applies the committed <paramref name="entries"/> of one Ready: executes their commands
    /// into one kv-engine batch that also holds the applied index of the last entry, writes it
    /// once, and only then reads what the commands read and answers the proposals waiting for
    /// the entries, if this peer proposed them.
    /// </summary>
    internal void ApplyCommittedEntries(IReadOnlyList<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
#if TINYKV_REF_2B
        if (entries.Count == 0)
        {
            return;
        }

        var batch = new WriteBatch();
        var sync = false;
        var effects = ApplyEffects.None;
        var created = new List<Proto.Metapb.Region>();
        var executed = new List<ExecutedEntry>(entries.Count);
        foreach (var entry in entries)
        {
            RaftCmdRequest? request = null;
            RaftCmdResponse? response = null;
            var needsSnapshot = false;
            if (entry.EntryType == EntryType.EntryConfChange)
            {
                // A membership change (3B): applied, and persisted with the region, in this batch.
                (request, response, var changed) = ApplyConfChangeEntry(entry, batch);
                effects |= changed;
                sync = true;
            }
            else if (!entry.Data.IsEmpty)
            {
                request = RaftCmdRequest.Parser.ParseFrom(entry.Data.Span);
                if (request.AdminRequest is { } admin)
                {
                    (response, var changed) = ApplyAdmin(request, batch, created);
                    effects |= changed;
                    sync = true;
                }
                else
                {
                    response = ApplyRequests(request, batch, out needsSnapshot);
                }
            }

            Storage.ApplyState.AppliedIndex = entry.Index;
            executed.Add(new ExecutedEntry(entry, request, response, needsSnapshot));
            if (effects.HasFlag(ApplyEffects.RemovedSelf))
            {
                break; // This peer is out of the region: what follows is not its to apply.
            }
        }

        batch.PutMessage(Keys.ApplyStateKey(RegionId), Storage.ApplyState);
        Context.Engines.Kv.Write(batch, sync);

        // Reads see the kv engine after the whole batch: every entry of it was committed while
        // all of their clients waited, so a read may be ordered after every write beside it.
        foreach (var (entry, request, response, needsSnapshot) in executed)
        {
            IEngineSnapshot? snapshot = null;
            if (request is { AdminRequest: null } && response?.Header?.Error is null)
            {
                ReadAfterApply(request, response!);
                snapshot = needsSnapshot ? Context.Engines.Kv.GetSnapshot() : null;
            }

            Context.Observer.Applied(Context.StoreId, RegionId, PeerId, entry);
            Answer(entry, response, snapshot);
        }

        AfterApply(effects, created);
#else
        throw Todo.Slot("2B", "apply the Ready's committed entries in one kv-engine write with the applied index of the last one, then read and answer their proposals; see the 2B handout, 'Applying'");
#endif
    }

#if TINYKV_REF_2B
    /// <summary>A committed entry executed into the apply batch, waiting for the batch to be written.</summary>
    private sealed record ExecutedEntry(Entry Entry, RaftCmdRequest? Request, RaftCmdResponse? Response, bool NeedsSnapshot);
#endif

    /// <summary>
    /// Executes an admin command into <paramref name="batch"/>: stage 2C handles CompactLog
    /// (<see cref="ApplyCompactLog"/>), stage 3B Split (<see cref="ApplySplit"/>; membership
    /// changes come as their own kind of entry, <see cref="ApplyConfChangeEntry"/>).
    /// </summary>
    /// <returns>
    /// The command's response, and what applying it changed beyond the kv data, for
    /// <see cref="AfterApply"/> to act on once the batch is written.
    /// </returns>
    private (RaftCmdResponse Response, ApplyEffects Effects) ApplyAdmin(RaftCmdRequest request, WriteBatch batch, ICollection<Proto.Metapb.Region> created)
    {
        var admin = request.AdminRequest;
        switch (admin.CmdType)
        {
            case AdminCmdType.CompactLog:
                var effects = ApplyCompactLog(admin.CompactLog);
                return (AdminAnswer(AdminCmdType.CompactLog, answer => answer.CompactLog = new CompactLogResponse()), effects);
            case AdminCmdType.Split:
                return ApplySplit(admin.Split, request, batch, created);
            default:
                return (RegionErrors.Response(new Proto.Errorpb.Error { Message = $"admin command {admin.CmdType} is not supported by this store" }), ApplyEffects.None);
        }
    }

    /// <summary>
    /// After the apply batch of a Ready is written and its proposals answered: acts on what its
    /// admin commands changed (<paramref name="effects"/>). A compaction hands the truncated
    /// entries to the raft log GC worker (2C); a changed region is reported to the scheduler by
    /// its leader and its range recorded by the store, a region split off starts its peer here
    /// (<paramref name="created"/>), and a peer that applied its own removal destroys itself (3B).
    /// </summary>
    private void AfterApply(ApplyEffects effects, IReadOnlyList<Proto.Metapb.Region> created)
    {
        if (effects.HasFlag(ApplyEffects.LogCompacted))
        {
            ScheduleLogGc();
        }

        if (effects.HasFlag(ApplyEffects.RegionChanged))
        {
            // The range first: a region split off in the same batch takes the rest of it.
            Context.Host.OnRegionChanged(this);
            if (!effects.HasFlag(ApplyEffects.RemovedSelf))
            {
                HeartbeatScheduler();
            }
        }

        foreach (var region in created)
        {
            Context.Host.CreateSplitPeer(this, region);
        }

        if (effects.HasFlag(ApplyEffects.RemovedSelf))
        {
            Context.Host.DestroyPeer(this, "it applied its own removal", appliedOwnRemoval: true);
        }
    }

    /// <summary>
    /// Answers the proposals the applied <paramref name="entry"/> settles: the one proposed at
    /// its index and term gets <paramref name="response"/>, and the reads that shared its entry
    /// are answered from the engine as it is now; one proposed at its index in another term, or
    /// at an earlier index still waiting, lost its place in the log (stale command), its shared
    /// reads with it.
    /// </summary>
    private void Answer(Entry entry, RaftCmdResponse? response, IEngineSnapshot? snapshot)
    {
        while (Proposals.Count > 0)
        {
            var proposal = Proposals[0];
            if (proposal.Index > entry.Index)
            {
                break;
            }

            Proposals.RemoveAt(0);
            if (proposal.Index == entry.Index && proposal.Term == entry.Term)
            {
                var answer = response ?? new RaftCmdResponse();
                answer.Header ??= new RaftResponseHeader();
                answer.Header.CurrentTerm = Term;
                proposal.Callback.Done(answer, snapshot);
                foreach (var read in proposal.SharedReads)
                {
                    AnswerRead(read);
                }

                return;
            }

            proposal.Callback.Done(RegionErrors.Response(RegionErrors.StaleCommand(), Term));
            foreach (var read in proposal.SharedReads)
            {
                read.Callback.Done(RegionErrors.Response(RegionErrors.StaleCommand(), Term));
            }
        }

        snapshot?.Dispose();
    }

    /// <summary>
    /// Answers a read whose proposal's entry was just applied: checks it against the region as
    /// it is now, reads its <c>Get</c>s and takes a snapshot for its <c>Snap</c>, as applying
    /// the read's own entry would.
    /// </summary>
    private void AnswerRead(ReadCommand read)
    {
        var response = ApplyRequests(read.Request, new WriteBatch(), out var needsSnapshot);
        IEngineSnapshot? snapshot = null;
        if (response.Header?.Error is null)
        {
            ReadAfterApply(read.Request, response);
            snapshot = needsSnapshot ? Context.Engines.Kv.GetSnapshot() : null;
        }

        response.Header ??= new RaftResponseHeader();
        response.Header.CurrentTerm = Term;
        read.Callback.Done(response, snapshot);
    }

    /// <summary>Executes the writes of a normal command into <paramref name="batch"/>; reads come after the batch is written.</summary>
    private RaftCmdResponse ApplyRequests(RaftCmdRequest request, WriteBatch batch, out bool needsSnapshot)
    {
        needsSnapshot = false;
        if (RegionEpochs.Check(request, Region, includeRegion: true) is { } epochError)
        {
            return RegionErrors.Response(epochError);
        }

        var response = new RaftCmdResponse { Header = new RaftResponseHeader() };
        foreach (var item in request.Requests)
        {
            if (KeyOf(item) is { } key && !RegionKeys.Contains(Region, key.Span))
            {
                return RegionErrors.Response(RegionErrors.KeyNotInRegion(key, Region));
            }
        }

        foreach (var item in request.Requests)
        {
            switch (item.CmdType)
            {
                case CmdType.Put:
                    CountWritten(item);
                    batch.Put(ColumnFamilyOf(item.Put.Cf), item.Put.Key.ToByteArray(), item.Put.Value.ToByteArray());
                    response.Responses.Add(new Response { CmdType = CmdType.Put, Put = new PutResponse() });
                    break;
                case CmdType.Delete:
                    CountWritten(item);
                    batch.Delete(ColumnFamilyOf(item.Delete.Cf), item.Delete.Key.ToByteArray());
                    response.Responses.Add(new Response { CmdType = CmdType.Delete, Delete = new DeleteResponse() });
                    break;
                case CmdType.Get:
                    response.Responses.Add(new Response { CmdType = CmdType.Get, Get = new GetResponse() });
                    break;
                case CmdType.Snap:
                    needsSnapshot = true;
                    response.Responses.Add(new Response { CmdType = CmdType.Snap, Snap = new SnapResponse { Region = Region.Clone() } });
                    break;
                default:
                    return RegionErrors.Response(new Proto.Errorpb.Error { Message = $"unknown command type {item.CmdType}" });
            }
        }

        return response;
    }

    /// <summary>Fills in the values of the Get requests, now that the command's writes are in the engine.</summary>
    private void ReadAfterApply(RaftCmdRequest request, RaftCmdResponse response)
    {
        for (var i = 0; i < request.Requests.Count; i++)
        {
            if (request.Requests[i].CmdType == CmdType.Get)
            {
                var get = request.Requests[i].Get;
                var value = Context.Engines.Kv.Get(ColumnFamilyOf(get.Cf), get.Key.Span);
                response.Responses[i].Get.Value = value is null ? Google.Protobuf.ByteString.Empty : Google.Protobuf.ByteString.CopyFrom(value);
            }
        }
    }

    private static Google.Protobuf.ByteString? KeyOf(Request request) => request.CmdType switch
    {
        CmdType.Put => request.Put?.Key,
        CmdType.Delete => request.Delete?.Key,
        CmdType.Get => request.Get?.Key,
        _ => null,
    };

    private static string ColumnFamilyOf(string cf) => string.IsNullOrEmpty(cf) ? ColumnFamily.Default : cf;
}
