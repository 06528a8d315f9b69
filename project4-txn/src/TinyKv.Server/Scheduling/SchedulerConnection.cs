using Grpc.Core;
using Grpc.Net.Client;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;

namespace TinyKv.Server.Scheduling;

/// <summary>
/// A store's line to <c>tinyscheduler-server</c>: one gRPC channel, the cluster id the scheduler
/// serves (asked once with <c>GetMembers</c>, then sent in every request's header), and the
/// unary calls a store makes, each turning an error in the response header into a
/// <see cref="SchedulerCallException"/>.
/// </summary>
public sealed class SchedulerConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    private SchedulerConnection(Uri address, GrpcChannel channel, ulong clusterId)
    {
        Address = address;
        _channel = channel;
        Client = new SchedulerClient(channel);
        ClusterId = clusterId;
    }

    /// <summary>The scheduler's address.</summary>
    public Uri Address { get; }

    /// <summary>The id of the cluster the scheduler serves.</summary>
    public ulong ClusterId { get; }

    /// <summary>The generated client, for the streams (<c>RegionHeartbeat</c>).</summary>
    public SchedulerClient Client { get; }

    /// <summary>The header every request carries.</summary>
    public RequestHeader Header => new() { ClusterId = ClusterId };

    /// <summary>Connects to the scheduler at <paramref name="address"/> and learns its cluster id, trying for up to <paramref name="patience"/>.</summary>
    /// <exception cref="SchedulerCallException">The scheduler did not answer within <paramref name="patience"/>.</exception>
    public static async Task<SchedulerConnection> ConnectAsync(Uri address, TimeSpan patience, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var channel = GrpcChannel.ForAddress(address);
        var client = new SchedulerClient(channel);
        var deadline = DateTime.UtcNow + patience;
        try
        {
            while (true)
            {
                try
                {
                    var members = await client.GetMembersAsync(new GetMembersRequest { Header = new RequestHeader() }, deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken).ConfigureAwait(false);
                    var clusterId = members.Header?.ClusterId ?? 0;
                    if (clusterId == 0)
                    {
                        throw new SchedulerCallException(ErrorType.Unknown, $"the scheduler at {address.Authority} answered GetMembers without a cluster id");
                    }

                    return new SchedulerConnection(address, channel, clusterId);
                }
                catch (RpcException ex) when (DateTime.UtcNow < deadline && ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                }
                catch (RpcException ex)
                {
                    throw new SchedulerCallException(ErrorType.Unknown, $"the scheduler at {address.Authority} does not answer ({ex.Status.StatusCode}: {ex.Status.Detail})");
                }
            }
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <summary>A new id from the scheduler's allocator (store, region and peer ids).</summary>
    public async Task<ulong> AllocIdAsync(CancellationToken cancellationToken = default)
    {
        var response = await Client.AllocIDAsync(new AllocIDRequest { Header = Header }, cancellationToken: cancellationToken).ConfigureAwait(false);
        Check(response.Header, "AllocID");
        return response.Id;
    }

    /// <summary>Whether the cluster has its first store and region.</summary>
    public async Task<bool> IsBootstrappedAsync(CancellationToken cancellationToken = default)
    {
        var response = await Client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = Header }, cancellationToken: cancellationToken).ConfigureAwait(false);
        Check(response.Header, "IsBootstrapped");
        return response.Bootstrapped;
    }

    /// <summary>
    /// Bootstraps the cluster with its first <paramref name="store"/> (the first region reaches the
    /// scheduler with that store's first region heartbeat, as in the original); the error type,
    /// <see cref="ErrorType.Ok"/> on success.
    /// </summary>
    public async Task<ErrorType> BootstrapAsync(Store store, CancellationToken cancellationToken = default)
    {
        var response = await Client.BootstrapAsync(new BootstrapRequest { Header = Header, Store = store }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.Header?.Error is { Type: ErrorType.AlreadyBootstrapped } error)
        {
            return error.Type;
        }

        Check(response.Header, "Bootstrap");
        return ErrorType.Ok;
    }

    /// <summary>Registers <paramref name="store"/> (or updates its address).</summary>
    public async Task PutStoreAsync(Store store, CancellationToken cancellationToken = default)
    {
        var response = await Client.PutStoreAsync(new PutStoreRequest { Header = Header, Store = store }, cancellationToken: cancellationToken).ConfigureAwait(false);
        Check(response.Header, "PutStore");
    }

    /// <summary>Store <paramref name="storeId"/> as the scheduler knows it.</summary>
    public async Task<Store> GetStoreAsync(ulong storeId, CancellationToken cancellationToken = default)
    {
        var response = await Client.GetStoreAsync(new GetStoreRequest { Header = Header, StoreId = storeId }, cancellationToken: cancellationToken).ConfigureAwait(false);
        Check(response.Header, "GetStore");
        return response.Store ?? throw new SchedulerCallException(ErrorType.Unknown, $"GetStore of store {storeId} answered without a store");
    }

    /// <inheritdoc/>
    public void Dispose() => _channel.Dispose();

    private static void Check(ResponseHeader? header, string call)
    {
        if (header?.Error is { Type: not ErrorType.Ok } error)
        {
            throw new SchedulerCallException(error.Type, $"{call}: {error.Type}: {error.Message}");
        }
    }
}

/// <summary>The scheduler answered a call with an error, or not at all.</summary>
public sealed class SchedulerCallException : Exception
{
    /// <summary>An error of <paramref name="type"/>.</summary>
    public SchedulerCallException(ErrorType type, string message)
        : base(message) => Type = type;

    /// <summary>An error without a type.</summary>
    public SchedulerCallException()
        : this(ErrorType.Unknown, "the scheduler call failed")
    {
    }

    /// <summary>An error without a type.</summary>
    public SchedulerCallException(string message)
        : this(ErrorType.Unknown, message)
    {
    }

    /// <summary>An error without a type, caused by <paramref name="innerException"/>.</summary>
    public SchedulerCallException(string message, Exception innerException)
        : base(message, innerException) => Type = ErrorType.Unknown;

    /// <summary>The scheduler's error type.</summary>
    public ErrorType Type { get; }
}
