using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Runtime;
using TinyKv.Scheduler.Storage;
using TinyKv.SchedulerServer.Leadership;
using Member = TinyKv.Proto.Schedulerpb.Member;
using ResponseHeader = TinyKv.Proto.Schedulerpb.ResponseHeader;

namespace TinyKv.SchedulerServer.Etcd;

/// <summary>
/// A member of a highly available scheduler group over etcd, the way PD uses etcd: every member
/// registers itself under the members prefix, bound to its own lease; one member leads, the one
/// whose put-if-absent of the leader key (bound to its lease) succeeded. The leader loads the
/// metadata from etcd and serves; the others answer every request but GetMembers with
/// <c>UNAVAILABLE</c> "not leader" and watch the leader key, campaigning when it disappears.
/// </summary>
/// <remarks>
/// <para>
/// A leader steps down at once when its lease is lost (etcd says so, or its local deadline passes
/// without a renewal: see <see cref="EtcdLease"/>), when a metadata write finds another leader
/// key (<see cref="EtcdSchedulerKv.Deposed"/>), or when it sees the leader key change. Stepping
/// down ends the term: requests waiting for durability and open streams end with "not leader".
/// </para>
/// <para>
/// Nothing here blocks a thread: the election runs as one asynchronous loop beside the
/// scheduler's loop, and installs or removes the term on the scheduler's loop.
/// </para>
/// </remarks>
public sealed partial class EtcdLeadership : ILeadership, IAsyncDisposable
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_flushTimeout = TimeSpan.FromSeconds(3);

    private readonly EtcdClient _etcd;
    private readonly EtcdKeys _keys;
    private readonly RealTimeLoop _loop;
    private readonly Func<ISchedulerKv, SchedulerState> _createState;
    private readonly RandomStreams _random;
    private readonly TimeSpan _leaseTtl;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile LeaderTerm? _term;
    private volatile EtcdSchedulerKv? _leaderKv;
    private volatile Member? _knownLeader;
    private long _clusterId;
    private EtcdLease? _lease;
    private Task _run = Task.CompletedTask;
    private int _disposed;
    private SchedulerMember _member = null!;

    /// <summary>
    /// Creates the leadership of a member that has not joined yet (see <see cref="StartAsync"/>):
    /// until it joins, it does not lead.
    /// </summary>
    /// <param name="createState">Builds the scheduler's state over the metadata loaded for a new term; called on <paramref name="loop"/>.</param>
    /// <param name="seed">Seeds the cluster id's random half, should this member be the group's first leader.</param>
    public EtcdLeadership(EtcdClient etcd, EtcdKeys keys, RealTimeLoop loop, Func<ISchedulerKv, SchedulerState> createState, long seed, TimeSpan leaseTtl, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(etcd);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(createState);
        ArgumentNullException.ThrowIfNull(loggers);
        _etcd = etcd;
        _keys = keys;
        _loop = loop;
        _createState = createState;
        _random = new RandomStreams(seed);
        _leaseTtl = leaseTtl;
        _loggers = loggers;
        _logger = loggers.CreateLogger<EtcdLeadership>();
    }

    /// <inheritdoc />
    public LeaderTerm? Term => _term is { IsLive: true } term ? term : null;

    /// <inheritdoc />
    public ulong ClusterId => (ulong)Interlocked.Read(ref _clusterId);

    /// <summary>
    /// Joins the group as <paramref name="member"/>: grants this member's lease (which proves etcd
    /// answers), registers the member, and runs the first election round (this member leads
    /// afterwards if no other member did); then keeps watching and campaigning in the background.
    /// </summary>
    /// <param name="endpoints">The etcd endpoints, for the error message.</param>
    /// <exception cref="EtcdUnavailableException">etcd did not answer within <paramref name="dialTimeout"/>.</exception>
    public async Task StartAsync(SchedulerMember member, TimeSpan dialTimeout, string endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        _member = member;
        try
        {
            _lease = await EtcdLease.GrantAsync(_etcd, _leaseTtl, dialTimeout, _loggers.CreateLogger<EtcdLease>(), cancellationToken).ConfigureAwait(false);
            await RegisterAsync(_lease, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            if (_lease is { } granted)
            {
                _lease = null;
                await granted.DisposeAsync().ConfigureAwait(false);
            }

            throw new EtcdUnavailableException($"etcd at {endpoints} did not answer within {dialTimeout.TotalSeconds:0.#} s ({ex.StatusCode}: {ex.Status.Detail})", ex);
        }

        _run = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        try
        {
            await _firstRound.Task.WaitAsync(dialTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // etcd is slow: the election goes on in the background; until it ends, this member does not lead.
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads the members, the leader key and (until known) the cluster id from etcd in one
    /// read-only Txn. If etcd does not answer, answers what this member knows: itself, and the
    /// leader it last saw.
    /// </remarks>
    public async Task<GetMembersResponse> GetMembersAsync(CancellationToken cancellationToken)
    {
        var response = new GetMembersResponse { Header = new ResponseHeader() };
        var read = new TxnRequest();
        read.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = _keys.MembersPrefix, RangeEnd = EtcdKeys.RangeEnd(_keys.MembersPrefix) } });
        read.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = _keys.Leader } });
        read.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = _keys.Data(SchedulerStorage.ClusterIdKey) } });
        try
        {
            var answer = await _etcd.TransactionAsync(read, deadline: DateTime.UtcNow + s_callTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            response.Members.AddRange(answer.Responses[0].ResponseRange.Kvs.Select(kv => Member.Parser.ParseFrom(kv.Value)));
            if (answer.Responses[1].ResponseRange.Kvs is [var leader, ..])
            {
                response.Leader = Member.Parser.ParseFrom(leader.Value);
                response.EtcdLeader = response.Leader.Clone();
            }

            if (answer.Responses[2].ResponseRange.Kvs is [var clusterId, ..])
            {
                LearnClusterId(clusterId.Value);
            }
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogMembersFromMemory(ex.StatusCode);
            response.Members.Clear();
            if (Volatile.Read(ref _member) is { } self)
            {
                response.Members.Add(self.ToProto());
            }

            if (_knownLeader is { } leader)
            {
                response.Leader = leader.Clone();
                response.EtcdLeader = leader.Clone();
            }
        }

        response.Header.ClusterId = ClusterId;
        return response;
    }

    /// <summary>
    /// Leaves the group: lets the leader's queued writes reach etcd (bounded), steps down, stops
    /// the election and revokes the lease, so etcd drops the leader and member keys at once and
    /// another member takes over without waiting for the lease to run out.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_leaderKv is { } kv)
        {
            try
            {
                await kv.WhenDurableAsync().WaitAsync(s_flushTimeout).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is LeadershipLostException or TimeoutException)
            {
                // Not leading any more, or etcd is away: what is not written is lost with the term,
                // and no reply promised it.
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        if (_lease is { } lease)
        {
            await lease.RevokeAsync().ConfigureAwait(false);
            await lease.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task RegisterAsync(EtcdLease lease, CancellationToken cancellationToken) =>
        await _etcd.PutAsync(
            new PutRequest { Key = _keys.Member(_member.MemberId), Value = _member.ToProto().ToByteString(), Lease = lease.Id },
            deadline: DateTime.UtcNow + s_callTimeout,
            cancellationToken: cancellationToken).ConfigureAwait(false);

    private void LearnClusterId(ByteString value)
    {
        var kv = new MemoryKv();
        kv.Save(SchedulerStorage.ClusterIdKey, value.ToByteArray());
        var clusterId = new SchedulerStorage(kv).LoadClusterId();
        if (clusterId != 0)
        {
            Interlocked.Exchange(ref _clusterId, (long)clusterId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "member {MemberId} ({Url}) leads the scheduler group, leader key revision {Revision}, cluster {ClusterId}")]
    private partial void LogLeading(ulong memberId, Uri url, long revision, ulong clusterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "member {MemberId} stepped down: {Reason}")]
    private partial void LogSteppedDown(ulong memberId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "the scheduler group's leader is member {LeaderId} ({Url})")]
    private partial void LogFollowing(ulong leaderId, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "deleted a leader key of this member left from an earlier run or term (revision {Revision})")]
    private partial void LogResigned(long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "etcd call of the election failed ({Status}: {Detail}); trying again")]
    private partial void LogElectionError(StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "the election loop failed; trying again")]
    private partial void LogElectionFailure(Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "etcd did not answer GetMembers' read ({Status}); answering what this member knows")]
    private partial void LogMembersFromMemory(StatusCode status);
}
