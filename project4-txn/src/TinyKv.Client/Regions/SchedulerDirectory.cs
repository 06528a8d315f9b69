using Google.Protobuf;
using TinyKv.Client.Scheduling;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.Client.Regions;

/// <summary>
/// Regions and store addresses from the scheduler (<c>GetRegion</c>, <c>GetStore</c>) through a
/// <see cref="SchedulerLink"/>, which follows the scheduler's leader and keeps store addresses
/// until a store turns out to be unreachable.
/// </summary>
public sealed class SchedulerDirectory(SchedulerLink link) : IRegionDirectory
{
    /// <summary>The line to the scheduler.</summary>
    public SchedulerLink Link { get; } = link ?? throw new ArgumentNullException(nameof(link));

    /// <inheritdoc/>
    public async Task<RegionLocation?> RegionOfKeyAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken)
    {
        var response = await Link.CallAsync(
            (client, header, options) => client.GetRegionAsync(new GetRegionRequest { Header = header, RegionKey = ByteString.CopyFrom(key.Span) }, options).ResponseAsync,
            cancellationToken).ConfigureAwait(false);
        if (response.Header?.Error is { Type: not ErrorType.Ok } || response.Region is null)
        {
            return null;
        }

        return new RegionLocation(response.Region, response.Leader is { Id: > 0 } leader ? leader : null);
    }

    /// <inheritdoc/>
    public Task<string?> StoreAddressAsync(ulong storeId, CancellationToken cancellationToken) =>
        Link.StoreAddressAsync(storeId, refresh: false, cancellationToken);

    /// <inheritdoc/>
    public void StoreUnreachable(ulong storeId) => Link.ForgetStore(storeId);
}
