using TinyKv.Proto.Schedulerpb;

namespace TinyKv.SchedulerServer.Leadership;

/// <summary>
/// A scheduler group of one: the server over its embedded RocksDB database is the only member
/// and leads for as long as it runs, in one term. Every write is synced before it returns, so a
/// reply is durable at once.
/// </summary>
public sealed class SoloLeadership(LeaderTerm term, SchedulerMember member) : ILeadership
{
    /// <inheritdoc />
    public LeaderTerm? Term => term.IsLive ? term : null;

    /// <inheritdoc />
    public ulong ClusterId => term.State.ClusterId;

    /// <inheritdoc />
    public Task<GetMembersResponse> GetMembersAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new GetMembersResponse
        {
            Header = new ResponseHeader { ClusterId = ClusterId },
            Members = { member.ToProto() },
            Leader = member.ToProto(),
            EtcdLeader = member.ToProto(),
        });
}
