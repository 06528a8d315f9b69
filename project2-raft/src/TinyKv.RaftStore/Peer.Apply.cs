using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

// Executing committed entries against the kv engine and answering their proposals (2B).
public sealed partial class Peer
{
    /// <summary>
    /// Applies one committed <paramref name="entry"/>: executes its command (writes to the kv
    /// engine together with the new applied index, in one batch), then answers the proposal
    /// waiting for it, if this peer proposed it.
    /// </summary>
    internal void ApplyEntry(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
#if TINYKV_REF_2B
        var batch = new WriteBatch();
        RaftCmdRequest? request = null;
        RaftCmdResponse? response = null;
        var needsSnapshot = false;
        var sync = false;
        if (entry.EntryType == EntryType.EntryNormal && !entry.Data.IsEmpty)
        {
            request = RaftCmdRequest.Parser.ParseFrom(entry.Data);
            if (request.AdminRequest is { } admin)
            {
                response = ApplyAdmin(admin, batch);
                sync = admin.CmdType == AdminCmdType.CompactLog;
            }
            else
            {
                response = ApplyRequests(request, batch, out needsSnapshot);
            }
        }

        Storage.ApplyState.AppliedIndex = entry.Index;
        batch.PutMessage(Keys.ApplyStateKey(RegionId), Storage.ApplyState);
        Context.Engines.Kv.Write(batch, sync);
        IEngineSnapshot? snapshot = null;
        if (request is { AdminRequest: null } && response?.Header?.Error is null)
        {
            ReadAfterApply(request, response!);
            snapshot = needsSnapshot ? Context.Engines.Kv.GetSnapshot() : null;
        }

        Context.Observer.Applied(Context.StoreId, RegionId, PeerId, entry);
        AfterApply();
        Answer(entry, response, snapshot);
#else
        throw Todo.Slot("2B", "apply the entry's command to the kv engine with the new applied index, then answer its proposal; see the 2B handout, 'Applying'");
#endif
    }

    /// <summary>
    /// Answers the proposals the applied <paramref name="entry"/> settles: the one proposed at
    /// its index and term gets <paramref name="response"/>; one proposed at its index in another
    /// term, or at an earlier index still waiting, lost its place in the log (stale command).
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
                return;
            }

            proposal.Callback.Done(RegionErrors.Response(RegionErrors.StaleCommand(), Term));
        }

        snapshot?.Dispose();
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
                    batch.Put(ColumnFamilyOf(item.Put.Cf), item.Put.Key.ToByteArray(), item.Put.Value.ToByteArray());
                    response.Responses.Add(new Response { CmdType = CmdType.Put, Put = new PutResponse() });
                    break;
                case CmdType.Delete:
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
