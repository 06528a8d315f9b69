using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Net.Client;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;

namespace TinyKv.Client.Regions;

/// <summary>
/// Regions and store addresses from a <c>tinyscheduler-server</c> over gRPC (<c>GetRegion</c>,
/// <c>GetStore</c>). The cluster id comes from <c>GetMembers</c> on first use; store addresses
/// are kept until a store turns out to be gone.
/// </summary>
public sealed class SchedulerDirectory : IRegionDirectory, IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly SchedulerClient _client;
    private readonly ConcurrentDictionary<ulong, string> _addresses = new();
    private ulong _clusterId;

    /// <summary>A directory asking the scheduler at <paramref name="address"/>.</summary>
    public SchedulerDirectory(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
        _channel = GrpcChannel.ForAddress(address);
        _client = new SchedulerClient(_channel);
    }

    /// <summary>The scheduler's address.</summary>
    public Uri Address { get; }

    /// <inheritdoc/>
    public async Task<RegionLocation?> RegionOfKeyAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken)
    {
        var response = await _client.GetRegionAsync(
            new GetRegionRequest { Header = await HeaderAsync(cancellationToken).ConfigureAwait(false), RegionKey = ByteString.CopyFrom(key.Span) },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.Header?.Error is { Type: not ErrorType.Ok } || response.Region is null)
        {
            return null;
        }

        return new RegionLocation(response.Region, response.Leader is { Id: > 0 } leader ? leader : null);
    }

    /// <inheritdoc/>
    public async Task<string?> StoreAddressAsync(ulong storeId, CancellationToken cancellationToken)
    {
        if (_addresses.TryGetValue(storeId, out var known))
        {
            return known;
        }

        var response = await _client.GetStoreAsync(
            new GetStoreRequest { Header = await HeaderAsync(cancellationToken).ConfigureAwait(false), StoreId = storeId },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.Header?.Error is { Type: not ErrorType.Ok } || response.Store is not { State: not StoreState.Tombstone, Address.Length: > 0 } store)
        {
            return null;
        }

        _addresses[storeId] = store.Address;
        return store.Address;
    }

    /// <summary>Forgets store <paramref name="storeId"/>'s address (a connection to it failed: it may have moved).</summary>
    public void ForgetStore(ulong storeId) => _addresses.TryRemove(storeId, out _);

    /// <inheritdoc/>
    public void Dispose() => _channel.Dispose();

    private async Task<RequestHeader> HeaderAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _clusterId) == 0)
        {
            var members = await _client.GetMembersAsync(new GetMembersRequest { Header = new RequestHeader() }, cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _clusterId, members.Header?.ClusterId ?? 0);
        }

        return new RequestHeader { ClusterId = _clusterId };
    }
}
