using Google.Protobuf;
using TinyKv.Proto.Metapb;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>Region metadata for heartbeats.</summary>
public static class Regions
{
    public static Region Create(ulong id, string start, string end, ulong version = 1, ulong confVer = 1, params Peer[] peers) => new()
    {
        Id = id,
        StartKey = ByteString.CopyFromUtf8(start),
        EndKey = ByteString.CopyFromUtf8(end),
        RegionEpoch = new RegionEpoch { Version = version, ConfVer = confVer },
        Peers = { peers },
    };

    public static Peer Peer(ulong id, ulong storeId) => new() { Id = id, StoreId = storeId };

    public static ByteString Key(string key) => ByteString.CopyFromUtf8(key);
}
