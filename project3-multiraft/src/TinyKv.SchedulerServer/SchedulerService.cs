using Grpc.Core;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Runtime;
using TinyKv.SchedulerServer.Leadership;

namespace TinyKv.SchedulerServer;

/// <summary>
/// The <c>schedulerpb.Scheduler</c> gRPC service. Each handler hands its work to the scheduler's
/// one loop and awaits the answer: no handler touches the cluster itself, and none blocks a
/// thread while it waits.
/// </summary>
/// <remarks>
/// <para>
/// <b>Leadership contract</b> (as PD's; clients and stores follow the leader by it). A server is
/// one member of a scheduler group: alone over its embedded database it always leads; with
/// <c>--etcd</c> one member of the group leads, elected through an etcd lease.
/// <list type="bullet">
/// <item><c>GetMembers</c> answers on every member, leader or not, at any time: the live members,
/// the current leader in <c>leader</c> (with its client URLs; absent while no member leads), and
/// the cluster id in the header (0 until the group's first leader has created it).</item>
/// <item>Every other RPC on a member that does not lead fails with the status <c>UNAVAILABLE</c>
/// and the detail <c>not leader</c> (checked before the cluster id); the client asks
/// <c>GetMembers</c> for the leader and tries there.</item>
/// <item>A request the leader ran but whose writes were not durable when the member stopped
/// leading fails the same way: a successful reply means its writes are durable.</item>
/// <item>A <c>RegionHeartbeat</c> or <c>Tso</c> stream open on a member that stops leading ends
/// with the same status.</item>
/// </list>
/// </para>
/// <para>
/// Other errors follow the original scheduler: a wrong cluster id is the status
/// FAILED_PRECONDITION, "not bootstrapped", "already bootstrapped", "store is tombstone" and
/// "no operator" travel in the response header, and the rest (an unknown store, a stale split
/// request, a bad argument) are the status UNKNOWN with the reason.
/// </para>
/// </remarks>
public sealed class SchedulerService(RealTimeLoop loop, ILeadership leadership) : Proto.Schedulerpb.Scheduler.SchedulerBase
{
    /// <summary>The detail of the <c>UNAVAILABLE</c> status a member that does not lead answers with.</summary>
    public const string NotLeaderDetail = "not leader";

    /// <summary>How many region heartbeats of one stream may be handed to the loop and not yet handled.</summary>
    public const int MaxHeartbeatsInFlight = 64;

    /// <summary>Cancels the <see cref="CancellationTokenSource"/> it is given (a heartbeat failed), unless the call has ended already.</summary>
    private static readonly Action<Task, object?> s_cancelOnFault = static (_, source) =>
    {
        try
        {
            ((CancellationTokenSource)source!).Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call has ended; nothing is being read any more.
        }
    };

    /// <inheritdoc />
    /// <remarks>Answers on every member, leader or not.</remarks>
    public override Task<GetMembersResponse> GetMembers(GetMembersRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return leadership.GetMembersAsync(context.CancellationToken);
    }

    /// <inheritdoc />
    public override async Task Tso(IAsyncStreamReader<TsoRequest> requestStream, IServerStreamWriter<TsoResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var term = await OnLoop(() => LeadingTerm(null)).ConfigureAwait(false);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, term.Ended);
        try
        {
            await foreach (var request in requestStream.ReadAllAsync(ended.Token).ConfigureAwait(false))
            {
                var count = request.Count;
                var response = await Handle(request.Header, state => state.Tso(count), term).ConfigureAwait(false);
                await responseStream.WriteAsync(response, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!term.IsLive && !context.CancellationToken.IsCancellationRequested)
        {
            throw NotLeader();
        }
    }

    /// <inheritdoc />
    public override Task<BootstrapResponse> Bootstrap(BootstrapRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.Bootstrap(request));

    /// <inheritdoc />
    public override Task<IsBootstrappedResponse> IsBootstrapped(IsBootstrappedRequest request, ServerCallContext context) =>
        Handle(request.Header, state => new IsBootstrappedResponse { Header = state.Header(), Bootstrapped = state.IsBootstrapped });

    /// <inheritdoc />
    public override Task<AllocIDResponse> AllocID(AllocIDRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.AllocId());

    /// <inheritdoc />
    public override Task<GetStoreResponse> GetStore(GetStoreRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.GetStore(request.StoreId));

    /// <inheritdoc />
    public override Task<PutStoreResponse> PutStore(PutStoreRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.PutStore(request.Store));

    /// <inheritdoc />
    public override Task<GetAllStoresResponse> GetAllStores(GetAllStoresRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.GetAllStores(request.ExcludeTombstoneStores));

    /// <inheritdoc />
    public override Task<StoreHeartbeatResponse> StoreHeartbeat(StoreHeartbeatRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.StoreHeartbeat(request.Stats));

    /// <inheritdoc />
    public override async Task RegionHeartbeat(IAsyncStreamReader<RegionHeartbeatRequest> requestStream, IServerStreamWriter<RegionHeartbeatResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var (term, bootstrapped) = await OnLoop(() =>
        {
            var leading = LeadingTerm(null);
            return (leading, leading.State.IsBootstrapped);
        }).ConfigureAwait(false);
        var state = term.State;
        if (!bootstrapped)
        {
            await responseStream.WriteAsync(new RegionHeartbeatResponse { Header = state.NotBootstrappedHeader() }, context.CancellationToken).ConfigureAwait(false);
            return;
        }

        // The loop queues commands for this store on the stream; only this call writes them out.
        var stream = new HeartbeatStream();
        var writer = WriteAllAsync(stream, responseStream, context.CancellationToken);

        // Heartbeats go to the loop without waiting for each to be handled: the loop runs them in
        // the order they were handed over while the next ones are read. Waiting for each cost two
        // thread hand-offs per heartbeat, which bounded a store's stream (docs/benchmarks.md). At
        // most MaxHeartbeatsInFlight wait at once, so one store cannot pile work on the loop. A
        // heartbeat that fails stops the reading at once and ends the call with its error, as
        // before: a store that sent one bad heartbeat and waits learns of it without sending more.
        // The stream belongs to the term it opened in: when the member stops leading, reading stops
        // and the call ends with "not leader".
        var inFlight = new Queue<Task<bool>>();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, term.Ended);
        try
        {
            try
            {
                await foreach (var request in requestStream.ReadAllAsync(failed.Token).ConfigureAwait(false))
                {
                    Validate(request.Header, state);
                    var handled = OnLoop(() =>
                    {
                        LeadingTerm(term);
                        state.RegionHeartbeat(request, stream);
                        return true;
                    });
                    _ = handled.ContinueWith(s_cancelOnFault, failed, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    inFlight.Enqueue(handled);
                    if (inFlight.Count >= MaxHeartbeatsInFlight)
                    {
                        await inFlight.Dequeue().ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (failed.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
            {
                // A heartbeat failed, or the term ended; awaiting the heartbeats in order below
                // throws the heartbeat's error, and the check after them the term's end.
            }

            while (inFlight.TryDequeue(out var handled))
            {
                await handled.ConfigureAwait(false);
            }

            if (!term.IsLive && !context.CancellationToken.IsCancellationRequested)
            {
                throw NotLeader();
            }
        }
        finally
        {
            // What was handed over before the call failed still runs: let it finish before the stream
            // goes. Its failures are observed here and dropped: the call already ends with the first.
            await Task.WhenAll(inFlight).ContinueWith(static all => _ = all.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            stream.Complete();
            loop.Post(() => state.Streams.Unbind(stream));
            await writer.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override Task<GetRegionResponse> GetRegion(GetRegionRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.GetRegion(request.RegionKey, previous: false));

    /// <inheritdoc />
    public override Task<GetRegionResponse> GetPrevRegion(GetRegionRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.GetRegion(request.RegionKey, previous: true));

    /// <inheritdoc />
    public override Task<GetRegionResponse> GetRegionByID(GetRegionByIDRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.GetRegionById(request.RegionId));

    /// <inheritdoc />
    public override Task<ScanRegionsResponse> ScanRegions(ScanRegionsRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.ScanRegions(request));

    /// <inheritdoc />
    public override Task<AskSplitResponse> AskSplit(AskSplitRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.AskSplit(request.Region));

    /// <inheritdoc />
    public override Task<GetClusterConfigResponse> GetClusterConfig(GetClusterConfigRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.GetClusterConfig());

    /// <inheritdoc />
    public override Task<PutClusterConfigResponse> PutClusterConfig(PutClusterConfigRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.PutClusterConfig(request.Cluster));

    /// <inheritdoc />
    /// <remarks>As in the original course, scattering is not implemented: the request is acknowledged and nothing moves.</remarks>
    public override Task<ScatterRegionResponse> ScatterRegion(ScatterRegionRequest request, ServerCallContext context) =>
        Handle(request.Header, state => new ScatterRegionResponse { Header = state.Header() });

    /// <inheritdoc />
    public override Task<GetGCSafePointResponse> GetGCSafePoint(GetGCSafePointRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.GetGcSafePoint());

    /// <inheritdoc />
    public override Task<UpdateGCSafePointResponse> UpdateGCSafePoint(UpdateGCSafePointRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.UpdateGcSafePoint(request.SafePoint));

    /// <inheritdoc />
    public override Task<GetOperatorResponse> GetOperator(GetOperatorRequest request, ServerCallContext context) =>
        Handle(request.Header, state => state.GetOperator(request.RegionId));

    /// <summary>
    /// Runs <paramref name="handle"/> on the loop over the leading term's state (refusing the
    /// request off the leader, or for another cluster), then waits until what it wrote is
    /// durable before the reply goes out.
    /// </summary>
    /// <param name="expected">The term a stream opened in; null for any live term.</param>
    private async Task<T> Handle<T>(RequestHeader? header, Func<SchedulerState, T> handle, LeaderTerm? expected = null)
    {
        var (result, durable) = await OnLoop(() =>
        {
            var term = LeadingTerm(expected);
            Validate(header, term.State);
            return (handle(term.State), term.WhenDurableAsync());
        }).ConfigureAwait(false);
        try
        {
            await durable.ConfigureAwait(false);
        }
        catch (LeadershipLostException)
        {
            throw NotLeader();
        }

        return result;
    }

    /// <summary>
    /// The live term this member leads in (on the loop), or the status "not leader"; with
    /// <paramref name="expected"/>, that term must still be the one.
    /// </summary>
    private LeaderTerm LeadingTerm(LeaderTerm? expected)
    {
        var term = leadership.Term;
        if (term is null || !term.IsLive || (expected is not null && term != expected))
        {
            throw NotLeader();
        }

        return term;
    }

    /// <summary>The status every request but GetMembers gets from a member that does not lead.</summary>
    private static RpcException NotLeader() => new(new Status(StatusCode.Unavailable, NotLeaderDetail));

    /// <summary>Refuses a request for another cluster, as the original does: FAILED_PRECONDITION.</summary>
    private static void Validate(RequestHeader? header, SchedulerState state)
    {
        var asked = header?.ClusterId ?? 0;
        if (asked != state.ClusterId)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"mismatch cluster id, need {state.ClusterId} but got {asked}"));
        }
    }

    private async Task<T> OnLoop<T>(Func<T> func)
    {
        try
        {
            return await loop.InvokeAsync(func).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the scheduler is stopping"));
        }
        catch (ArgumentException refused)
        {
            // A value the core refuses (e.g. more timestamps in one request than a millisecond holds).
            throw new RpcException(new Status(StatusCode.Unknown, refused.Message));
        }
        catch (TodoException unwritten)
        {
            // A student's tree with an unwritten slot: say which, so the client (and the grader) can tell.
            throw new RpcException(new Status(StatusCode.Unimplemented, unwritten.Message));
        }
    }

    private static async Task WriteAllAsync(HeartbeatStream stream, IServerStreamWriter<RegionHeartbeatResponse> responseStream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var response in stream.Outbox.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The call ended (the store went away or the server stops): the commands still queued
            // are lost, which the controller allows for by repeating them.
            stream.Complete();
        }
    }
}
