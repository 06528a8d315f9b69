using TinyKv.Proto.Schedulerpb;
using TinyKv.Runtime;

namespace TinyKv.SchedulerServer;

/// <summary>
/// This server as a member of the scheduler's group. One server runs alone, so it is every
/// member and the leader; its member id is a stable hash of its address.
/// </summary>
public sealed record SchedulerMember(string Name, Uri ClientUrl)
{
    /// <summary>The member id: the same for the same address in every process.</summary>
    public ulong MemberId => RandomStreams.StableHash(System.Text.Encoding.UTF8.GetBytes(ClientUrl.ToString()));

    /// <summary>The member as GetMembers reports it.</summary>
    public Member ToProto() => new()
    {
        Name = Name,
        MemberId = MemberId,
        ClientUrls = { ClientUrl.ToString().TrimEnd('/') },
        PeerUrls = { ClientUrl.ToString().TrimEnd('/') },
    };
}
