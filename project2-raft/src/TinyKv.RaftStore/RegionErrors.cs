using Google.Protobuf;
using TinyKv.Proto.Errorpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.RaftStore;

/// <summary>
/// The region errors a store answers with, as <c>errorpb.Error</c> values: a client retries on
/// NotLeader (at the leader named, if any), StaleCommand and EpochNotMatch, and refreshes its
/// region on RegionNotFound and KeyNotInRegion.
/// </summary>
public static class RegionErrors
{
    /// <summary>This peer is not the leader; <paramref name="leader"/> is the one it knows of, if any.</summary>
    public static Error NotLeader(ulong regionId, MetaPeer? leader) => new()
    {
        Message = $"peer is not the leader of region {regionId}",
        NotLeader = new NotLeader { RegionId = regionId, Leader = leader?.Clone() },
    };

    /// <summary>The command was overtaken: another entry took its place in the log, or its term ended.</summary>
    public static Error StaleCommand() => new()
    {
        Message = "stale command",
        StaleCommand = new StaleCommand(),
    };

    /// <summary>The request's epoch is not the region's; <paramref name="current"/> is the region as this store knows it.</summary>
    public static Error EpochNotMatch(string message, params Region[] current)
    {
        var error = new Error { Message = message, EpochNotMatch = new EpochNotMatch() };
        error.EpochNotMatch.CurrentRegions.AddRange(current.Select(r => r.Clone()));
        return error;
    }

    /// <summary>This store has no peer of region <paramref name="regionId"/>.</summary>
    public static Error RegionNotFound(ulong regionId) => new()
    {
        Message = $"region {regionId} not found",
        RegionNotFound = new RegionNotFound { RegionId = regionId },
    };

    /// <summary><paramref name="key"/> lies outside <paramref name="region"/>.</summary>
    public static Error KeyNotInRegion(ByteString key, Region region) => new()
    {
        Message = $"key {Quote.Hex(key.Span)} is not in region {region.Id}",
        KeyNotInRegion = new KeyNotInRegion { Key = key, RegionId = region.Id, StartKey = region.StartKey, EndKey = region.EndKey },
    };

    /// <summary>The request was meant for store <paramref name="requested"/>, not this one.</summary>
    public static Error StoreNotMatch(ulong requested, ulong actual) => new()
    {
        Message = $"request for store {requested} reached store {actual}",
        StoreNotMatch = new StoreNotMatch { RequestStoreId = requested, ActualStoreId = actual },
    };

    /// <summary>A response that carries only <paramref name="error"/>.</summary>
    public static RaftCmdResponse Response(Error error, ulong currentTerm = 0) => new()
    {
        Header = new RaftResponseHeader { Error = error, CurrentTerm = currentTerm },
    };
}
