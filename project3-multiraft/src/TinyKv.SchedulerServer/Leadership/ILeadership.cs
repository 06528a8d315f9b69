using TinyKv.Proto.Schedulerpb;

namespace TinyKv.SchedulerServer.Leadership;

/// <summary>
/// Who leads the scheduler group, as the service needs to know: the term this member serves
/// while it leads, the cluster id, and the group's members for <c>GetMembers</c>.
/// </summary>
/// <remarks>
/// Two implementations: <see cref="SoloLeadership"/>, one server over its embedded database and
/// always the leader; and <see cref="Etcd.EtcdLeadership"/>, several servers sharing etcd, one
/// of them elected through an etcd lease.
/// </remarks>
public interface ILeadership
{
    /// <summary>
    /// The term this member serves while it leads, or null. Read it on the server's loop: the
    /// leadership installs and removes terms there, so a request that found a live term on the
    /// loop runs to the end of its loop step within that term.
    /// </summary>
    LeaderTerm? Term { get; }

    /// <summary>The cluster id (0 while no leader has created it yet). Safe from any thread.</summary>
    ulong ClusterId { get; }

    /// <summary>The live members and the current leader, if there is one. Always answers; never needs the leader.</summary>
    Task<GetMembersResponse> GetMembersAsync(CancellationToken cancellationToken);
}
