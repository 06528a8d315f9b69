using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using TinyKv.Scheduler.Storage;
using TinyKv.SchedulerServer.Leadership;
using Member = TinyKv.Proto.Schedulerpb.Member;

namespace TinyKv.SchedulerServer.Etcd;

/// <summary>The election: campaign, lead for a term, step down, watch the leader key.</summary>
public sealed partial class EtcdLeadership
{
    /// <summary>
    /// The election loop: holds a live lease (granting a new one and registering again when it is
    /// lost), reads the leader key, campaigns when it is absent and leads when the campaign wins,
    /// until the server stops.
    /// </summary>
    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var lease = await EnsureLeaseAsync(stop).ConfigureAwait(false);
                var leader = await ReadLeaderAsync(stop).ConfigureAwait(false);
                if (leader is { } own && own.Member.MemberId == _member.MemberId)
                {
                    // This member's leader key, from a process that ran before on this address or
                    // from a term that ended: no term serves it, so give it up and campaign anew.
                    await ResignAsync(own.CreateRevision, stop).ConfigureAwait(false);
                    continue;
                }

                if (leader is null)
                {
                    var revision = await CampaignAsync(lease, stop).ConfigureAwait(false);
                    if (revision > 0)
                    {
                        await LeadAsync(lease, revision, stop).ConfigureAwait(false);
                        continue;
                    }

                    leader = await ReadLeaderAsync(stop).ConfigureAwait(false);
                }

                if (leader is { } other && _knownLeader?.MemberId != other.Member.MemberId)
                {
                    var url = other.Member.ClientUrls.FirstOrDefault() ?? "";
                    LogFollowing(other.Member.MemberId, url);
                }

                _knownLeader = leader?.Member;
                if (ClusterId == 0)
                {
                    await ReadClusterIdAsync(stop).ConfigureAwait(false);
                }

                _firstRound.TrySetResult();
                await Task.WhenAny(Task.Delay(s_pollInterval, stop), lease.Lost).ConfigureAwait(false);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (RpcException ex)
            {
                LogElectionError(ex.StatusCode, ex.Status.Detail);
                _firstRound.TrySetResult();
                await Task.WhenAny(Task.Delay(s_pollInterval, stop)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogElectionFailure(ex);
                _firstRound.TrySetResult();
                await Task.WhenAny(Task.Delay(s_pollInterval, stop)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The lease this member holds; a new one (member registered again) if the last was lost.</summary>
    private async Task<EtcdLease> EnsureLeaseAsync(CancellationToken stop)
    {
        if (_lease is { IsLost: false } live)
        {
            return live;
        }

        if (_lease is { } lost)
        {
            // Best effort: if etcd still counts it, the keys bound to it go now.
            _lease = null;
            await lost.RevokeAsync().ConfigureAwait(false);
            await lost.DisposeAsync().ConfigureAwait(false);
        }

        var lease = await EtcdLease.GrantAsync(_etcd, _leaseTtl, s_callTimeout, _loggers.CreateLogger<EtcdLease>(), stop).ConfigureAwait(false);
        try
        {
            await RegisterAsync(lease, stop).ConfigureAwait(false);
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _lease = lease;
        return lease;
    }

    /// <summary>The member in the leader key and the key's create revision; null if no member leads.</summary>
    private async Task<(Member Member, long CreateRevision)?> ReadLeaderAsync(CancellationToken stop)
    {
        var answer = await _etcd.GetAsync(new RangeRequest { Key = _keys.Leader }, deadline: DateTime.UtcNow + s_callTimeout, cancellationToken: stop).ConfigureAwait(false);
        return answer.Kvs is [var kv, ..] ? (Member.Parser.ParseFrom(kv.Value), kv.CreateRevision) : null;
    }

    /// <summary>
    /// Puts this member into the leader key if the key is absent, bound to <paramref name="lease"/>,
    /// in one Txn; returns the key's create revision (this term's identity, which guards every
    /// metadata write of the term), or 0 if another member got there first.
    /// </summary>
    private async Task<long> CampaignAsync(EtcdLease lease, CancellationToken stop)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare
        {
            Key = _keys.Leader,
            Target = Compare.Types.CompareTarget.Create,
            Result = Compare.Types.CompareResult.Equal,
            CreateRevision = 0,
        });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = _keys.Leader, Value = _member.ToProto().ToByteString(), Lease = lease.Id } });
        var answer = await _etcd.TransactionAsync(txn, deadline: DateTime.UtcNow + s_callTimeout, cancellationToken: stop).ConfigureAwait(false);

        // The put is the Txn's only write, so the key's create revision is the Txn's revision.
        return answer.Succeeded ? answer.Header.Revision : 0;
    }

    /// <summary>Deletes the leader key if it still has <paramref name="createRevision"/>.</summary>
    private async Task ResignAsync(long createRevision, CancellationToken stop)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare
        {
            Key = _keys.Leader,
            Target = Compare.Types.CompareTarget.Create,
            Result = Compare.Types.CompareResult.Equal,
            CreateRevision = createRevision,
        });
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = _keys.Leader } });
        await _etcd.TransactionAsync(txn, deadline: DateTime.UtcNow + s_callTimeout, cancellationToken: stop).ConfigureAwait(false);
        LogResigned(createRevision);
    }

    /// <summary>
    /// One term: loads the metadata at the leader key's revision, creates the cluster id if this is
    /// the group's first leader, installs the term on the scheduler's loop, then watches for the
    /// end of the term and steps down.
    /// </summary>
    private async Task LeadAsync(EtcdLease lease, long revision, CancellationToken stop)
    {
        EtcdSchedulerKv? kv = null;
        LeaderTerm? term = null;
        string reason;
        try
        {
            kv = await EtcdSchedulerKv.LoadAsync(_etcd, _keys, revision, _loggers.CreateLogger<EtcdSchedulerKv>(), stop).ConfigureAwait(false);
            var storage = new SchedulerStorage(kv);
            var clusterId = storage.LoadClusterId();
            if (clusterId == 0)
            {
                // The group's first leader picks the cluster id, once; every later leader loads it.
                clusterId = SchedulerState.NewClusterId(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _random);
                storage.SaveClusterId(clusterId);
                await kv.WhenDurableAsync().WaitAsync(stop).ConfigureAwait(false);
            }

            Interlocked.Exchange(ref _clusterId, (long)clusterId);
            var loaded = kv;
            term = await _loop.InvokeAsync(() =>
            {
                var started = new LeaderTerm(_createState(loaded), loaded.WhenDurableAsync, () => lease.IsHeld);
                _term = started;
                return started;
            }).ConfigureAwait(false);
            _leaderKv = kv;
            _knownLeader = _member.ToProto();
            LogLeading(_member.MemberId, _member.ClientUrl, revision, clusterId);
            _firstRound.TrySetResult();
            reason = await WatchTermAsync(lease, kv, revision, stop).ConfigureAwait(false);
        }
        catch (LeadershipLostException)
        {
            reason = "another member's leader key was found while loading the metadata";
        }
        catch (RpcException ex) when (!stop.IsCancellationRequested)
        {
            reason = $"etcd failed while the term began ({ex.StatusCode}: {ex.Status.Detail})";
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            reason = "the server stops";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // E.g. the scheduler's state could not be built over the loaded metadata: give the
            // term up (the next round resigns the leader key and tries again).
            LogElectionFailure(ex);
            reason = $"the term could not begin: {ex.Message}";
        }
        finally
        {
            _leaderKv = null;
        }

        await StepDownAsync(term, kv, reason).ConfigureAwait(false);
    }

    /// <summary>Waits until the term must end, and says why.</summary>
    private async Task<string> WatchTermAsync(EtcdLease lease, EtcdSchedulerKv kv, long revision, CancellationToken stop)
    {
        while (true)
        {
            var poll = Task.Delay(s_pollInterval, stop);
            var first = await Task.WhenAny(lease.Lost, kv.Deposed, poll).ConfigureAwait(false);
            if (first == lease.Lost)
            {
                return "the lease was lost";
            }

            if (first == kv.Deposed)
            {
                return "a metadata write found another member's leader key";
            }

            if (stop.IsCancellationRequested)
            {
                return "the server stops";
            }

            try
            {
                var leader = await ReadLeaderAsync(stop).ConfigureAwait(false);
                if (leader?.CreateRevision != revision)
                {
                    return "the leader key changed";
                }
            }
            catch (RpcException) when (!stop.IsCancellationRequested)
            {
                // etcd does not answer now: the lease's deadline decides.
            }
        }
    }

    /// <summary>
    /// Ends <paramref name="term"/> at once (requests and streams of the term see it ended), fails
    /// the writes still waiting, and removes the term from the scheduler's loop, stopping its
    /// schedulers and timers.
    /// </summary>
    private async Task StepDownAsync(LeaderTerm? term, EtcdSchedulerKv? kv, string reason)
    {
        term?.End();
        kv?.Fail(new LeadershipLostException());
        _knownLeader = null;
        if (term is not null)
        {
            try
            {
                await _loop.InvokeAsync(() =>
                {
                    if (_term == term)
                    {
                        _term = null;
                    }

                    term.State.Dispose();
                    return true;
                }).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The loop stopped already: nothing runs the term's state any more.
            }

            LogSteppedDown(_member.MemberId, reason);
        }

        if (kv is not null)
        {
            await kv.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ReadClusterIdAsync(CancellationToken stop)
    {
        var answer = await _etcd.GetAsync(new RangeRequest { Key = _keys.Data(SchedulerStorage.ClusterIdKey) }, deadline: DateTime.UtcNow + s_callTimeout, cancellationToken: stop).ConfigureAwait(false);
        if (answer.Kvs is [var kv, ..])
        {
            LearnClusterId(kv.Value);
        }
    }
}
