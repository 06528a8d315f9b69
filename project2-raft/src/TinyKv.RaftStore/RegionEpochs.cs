using TinyKv.Proto.Errorpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;

namespace TinyKv.RaftStore;

/// <summary>
/// Region epochs: a request names the epoch of the region it was built for; if the region
/// has since changed its peers (conf version) or its range (version), the request may be
/// aimed at the wrong data and is refused with EpochNotMatch.
/// </summary>
public static class RegionEpochs
{
    /// <summary>
    /// The EpochNotMatch error for <paramref name="request"/> against <paramref name="region"/>, or
    /// null when the epochs agree on what the request cares about: conf changes check the conf
    /// version, splits and leader transfers both, normal requests the version, log compaction
    /// neither.
    /// </summary>
    public static Error? Check(RaftCmdRequest request, Region region, bool includeRegion)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(region);
        var (checkVersion, checkConfVersion) = request.AdminRequest switch
        {
            null => (true, false),
            { CmdType: AdminCmdType.CompactLog } => (false, false),
            { CmdType: AdminCmdType.ChangePeer } => (false, true),
            _ => (true, true), // Split and TransferLeader: built for the region as it was, in both halves.
        };
        if (!checkVersion && !checkConfVersion)
        {
            return null;
        }

        var given = request.Header?.RegionEpoch;
        if (given is null)
        {
            return new Error { Message = $"missing epoch in the request for region {region.Id}" };
        }

        var current = region.RegionEpoch ?? new RegionEpoch();
        if ((checkConfVersion && given.ConfVer != current.ConfVer) || (checkVersion && given.Version != current.Version))
        {
            var message = $"epoch not match for region {region.Id}: request {Describe(given)}, region {Describe(current)}";
            return includeRegion ? RegionErrors.EpochNotMatch(message, region) : RegionErrors.EpochNotMatch(message);
        }

        return null;
    }

    /// <summary>Whether <paramref name="epoch"/> is older than <paramref name="current"/> in either version.</summary>
    public static bool IsStale(RegionEpoch epoch, RegionEpoch current)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        ArgumentNullException.ThrowIfNull(current);
        return epoch.Version < current.Version || epoch.ConfVer < current.ConfVer;
    }

    private static string Describe(RegionEpoch epoch) => $"conf_ver {epoch.ConfVer} version {epoch.Version}";
}
