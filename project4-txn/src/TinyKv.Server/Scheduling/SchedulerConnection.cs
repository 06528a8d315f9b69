using Grpc.Core;
using TinyKv.Client.Scheduling;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;

namespace TinyKv.Server.Scheduling;

/// <summary>
/// A store's calls to <c>tinyscheduler-server</c>: the unary calls a store makes, over a
/// <see cref="SchedulerLink"/> (which follows the scheduler's leader and sends the cluster id in
/// every header), each turning an error in the response header, or a scheduler that does not
/// answer, into a <see cref="SchedulerCallException"/>.
/// </summary>
public sealed class SchedulerConnection : IDisposable
{
    private SchedulerConnection(SchedulerLink link) => Link = link;

    /// <summary>The line to the scheduler (for the streams, and store addresses).</summary>
    public SchedulerLink Link { get; }

    /// <summary>The scheduler's members, as given.</summary>
    public string Addresses => string.Join(",", Link.Endpoints.Select(e => e.Authority));

    /// <summary>The id of the cluster the scheduler serves.</summary>
    public ulong ClusterId => Link.ClusterId;

    /// <summary>The header every request carries.</summary>
    public RequestHeader Header => Link.Header;

    /// <summary>
    /// Connects to the scheduler whose members serve at <paramref name="endpoints"/>, finds the
    /// leader and learns the cluster id, trying for up to <paramref name="patience"/> (which also
    /// bounds how long each later call looks for a leader).
    /// </summary>
    /// <exception cref="SchedulerCallException">No member named a leader within <paramref name="patience"/>.</exception>
    public static async Task<SchedulerConnection> ConnectAsync(IReadOnlyList<Uri> endpoints, TimeSpan patience, CancellationToken cancellationToken = default)
    {
        var link = new SchedulerLink(endpoints, new SchedulerLinkOptions { Patience = patience, CallTimeout = TimeSpan.FromSeconds(Math.Min(5, Math.Max(1, patience.TotalSeconds))) });
        try
        {
            await link.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return new SchedulerConnection(link);
        }
        catch (SchedulerUnavailableException ex)
        {
            link.Dispose();
            throw new SchedulerCallException(ErrorType.Unknown, $"the scheduler at {string.Join(",", endpoints.Select(e => e.Authority))} does not answer: {ex.Message}");
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    /// <summary>A new id from the scheduler's allocator (store, region and peer ids).</summary>
    public async Task<ulong> AllocIdAsync(CancellationToken cancellationToken = default)
    {
        var response = await CallAsync((c, h, o) => c.AllocIDAsync(new AllocIDRequest { Header = h }, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
        Check(response.Header, "AllocID");
        return response.Id;
    }

    /// <summary>Whether the cluster has its first store and region.</summary>
    public async Task<bool> IsBootstrappedAsync(CancellationToken cancellationToken = default)
    {
        var response = await CallAsync((c, h, o) => c.IsBootstrappedAsync(new IsBootstrappedRequest { Header = h }, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
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
        var response = await CallAsync((c, h, o) => c.BootstrapAsync(new BootstrapRequest { Header = h, Store = store }, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
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
        var response = await CallAsync((c, h, o) => c.PutStoreAsync(new PutStoreRequest { Header = h, Store = store }, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
        Check(response.Header, "PutStore");
    }

    /// <summary>Calls the leader; a scheduler that does not answer becomes a <see cref="SchedulerCallException"/>.</summary>
    public async Task<T> CallAsync<T>(Func<SchedulerClient, RequestHeader, CallOptions, Task<T>> call, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Link.CallAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (SchedulerUnavailableException ex)
        {
            throw new SchedulerCallException(ErrorType.Unknown, ex.Message);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            throw new SchedulerCallException(ErrorType.Unknown, $"the scheduler refused the call: {ex.StatusCode}: {ex.Status.Detail}");
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Link.Dispose();

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
