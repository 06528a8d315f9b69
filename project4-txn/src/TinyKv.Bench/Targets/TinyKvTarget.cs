using Google.Protobuf;
using Grpc.Core;
using TinyKv.Client;
using TinyKv.Proto.Kvrpcpb;
using RegionError = TinyKv.Proto.Errorpb.Error;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Bench.Targets;

/// <summary>
/// A TinyKV server, a replicated TinyKV cluster or the echo server: puts and gets are raw
/// requests (RawPut, RawGet in the default column family); a transaction is a Percolator
/// transaction of the repository's client (prewrite, then commit), its timestamps from one
/// <see cref="ClockOracle"/> shared by every client of the run.
/// </summary>
public sealed class TinyKvTarget : IBenchTarget, IDisposable
{
    private readonly ChannelPool _channels;

    public TinyKvTarget(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _channels = new ChannelPool(options.Endpoints, options.Connections);
    }

    internal BenchOptions Options { get; }

    internal ClockOracle Oracle { get; } = ClockOracle.System();

    public IBenchClient CreateClient(int clientIndex) => new TinyKvSession(this, clientIndex);

    internal TinyKvClient Client(int endpointIndex, int clientIndex) => new(_channels.For(endpointIndex, clientIndex));

    public void Dispose() => _channels.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// One client of a <see cref="TinyKvTarget"/>: it follows the leader (<see cref="LeaderRouter"/>)
/// and sends a request again, at most <see cref="BenchOptions.MaxRetries"/> times, after a region
/// error or an unreachable server, recording each retry's kind.
/// </summary>
internal sealed class TinyKvSession : IBenchClient
{
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromMilliseconds(500);
    private readonly TinyKvTarget _target;
    private readonly int _clientIndex;
    private readonly LeaderRouter _router;
    private readonly PercolatorClient _percolator;
    private List<string> _retries = [];

    public TinyKvSession(TinyKvTarget target, int clientIndex)
    {
        _target = target;
        _clientIndex = clientIndex;
        _router = new LeaderRouter(target.Options.Endpoints, clientIndex);
        _percolator = new PercolatorClient(new LeaderFollowingTransport(this), target.Oracle, new PercolatorClientOptions { MaxAttempts = 5 });
    }

    public Task<OpOutcome> PutAsync(byte[] key, byte[] value, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var request = new RawPutRequest { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(value), Cf = "default" };
            var response = await SendAsync((c, o) => c.RawPutAsync(request, o), r => r.RegionError, cancellationToken).ConfigureAwait(false);
            return Failure(response.RegionError, response.Error);
        });

    public Task<OpOutcome> GetAsync(byte[] key, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var request = new RawGetRequest { Key = ByteString.CopyFrom(key), Cf = "default" };
            var response = await SendAsync((c, o) => c.RawGetAsync(request, o), r => r.RegionError, cancellationToken).ConfigureAwait(false);
            return Failure(response.RegionError, response.Error);
        });

    public Task<OpOutcome> TxnAsync(IReadOnlyList<byte[]> keys, byte[] value, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var txn = await _percolator.BeginAsync();
            foreach (var key in keys)
            {
                txn.Set(key, value);
            }

            await txn.CommitAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return null;
        });

    /// <summary>
    /// Sends one request through the router: again after a region error the router can act on,
    /// or an unreachable server, up to the retry limit. Returns the last response, which may
    /// still carry a region error; throws the last <see cref="RpcException"/> otherwise.
    /// </summary>
    internal async Task<TResponse> SendAsync<TResponse>(
        Func<TinyKvClient, CallOptions, AsyncUnaryCall<TResponse>> call,
        Func<TResponse, RegionError?> regionError,
        CancellationToken cancellationToken)
    {
        var options = _target.Options;
        for (var attempt = 0; ; attempt++)
        {
            var client = _target.Client(_router.Current, _clientIndex);
            var callOptions = new CallOptions(deadline: DateTime.UtcNow + options.Deadline, cancellationToken: cancellationToken);
            RetryHint hint;
            try
            {
                var response = await call(client, callOptions).ResponseAsync.ConfigureAwait(false);
                if (regionError(response) is not { } error || attempt >= options.MaxRetries)
                {
                    return response;
                }

                hint = _router.OnRegionError(error);
                _retries.Add(ErrorKinds.Of(error));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && attempt < options.MaxRetries && !cancellationToken.IsCancellationRequested)
            {
                _router.OnUnreachable();
                _retries.Add(ErrorKinds.Of(ex));
                hint = RetryHint.Elsewhere;
            }

            if (hint != RetryHint.ToLeader)
            {
                // An election takes 10 to 20 raft ticks (1 to 2 s by default): the default five retries
                // wait 50, 100, 200, 400 and 500 ms, so they outlast one.
                var wait = s_firstBackoff * Math.Pow(2, Math.Min(attempt, 10));
                await Task.Delay(wait < s_maxBackoff ? wait : s_maxBackoff, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string? Failure(RegionError? region, string error) =>
        region is not null ? ErrorKinds.Of(region) : error.Length > 0 ? ErrorKinds.KeyError : null;

    private async Task<OpOutcome> RunAsync(Func<Task<string?>> operation)
    {
        _retries = [];
        string? error;
        try
        {
            error = await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = ErrorKinds.Of(ex);
        }

        return OpOutcome.Of(error, _retries);
    }
}
