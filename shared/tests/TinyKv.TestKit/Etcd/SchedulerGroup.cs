using System.Diagnostics;
using Grpc.Core;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.TestKit.Etcd;

/// <summary>
/// One etcd and tinyscheduler-server processes sharing it, each on its own port and data
/// directory, for a test. Disposing kills every process by its id and deletes the data.
/// </summary>
public sealed class SchedulerGroup : IAsyncDisposable
{
    /// <summary>How long a new leader may take to show up: the lease (3 s) plus polling and start-up, with room for a slow machine.</summary>
    public static readonly TimeSpan ElectionLimit = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _data;
    private readonly List<SchedulerProcess> _members = [];
    private int _started;

    private SchedulerGroup(TempDirectory data, EtcdServer etcd)
    {
        _data = data;
        Etcd = etcd;
    }

    public EtcdServer Etcd { get; }

    /// <summary>The members started so far, in start order (killed ones too).</summary>
    public IReadOnlyList<SchedulerProcess> Members => _members;

    /// <summary>Starts etcd and <paramref name="members"/> schedulers over it, one after another.</summary>
    public static async Task<SchedulerGroup> StartAsync(int members)
    {
        var data = new TempDirectory("tinyscheduler-etcd");
        EtcdServer etcd;
        try
        {
            etcd = await EtcdServer.StartAsync(data.Combine("etcd"));
        }
        catch
        {
            data.Dispose();
            throw;
        }

        var group = new SchedulerGroup(data, etcd);
        try
        {
            for (var i = 0; i < members; i++)
            {
                await group.StartMemberAsync();
            }

            return group;
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more member over a fresh data directory.</summary>
    public async Task<SchedulerProcess> StartMemberAsync()
    {
        var member = await SchedulerProcess.StartAsync(_data.Combine($"scheduler-{Interlocked.Increment(ref _started)}"), Etcd.Endpoint);
        _members.Add(member);
        return member;
    }

    /// <summary>
    /// Polls GetMembers on <paramref name="asked"/> until every one of them names the same leader,
    /// that leader is accepted by <paramref name="accept"/>, the header carries a cluster id, and
    /// the leader serves. A member writes its leader key when it wins the election and serves once
    /// it has loaded the cluster from etcd: in between, every member names it and it still answers
    /// "not leader", as a client that asks at that moment sees and retries.
    /// </summary>
    /// <returns>The agreed answer and the process that leads.</returns>
    /// <exception cref="TimeoutException">No such agreement within <see cref="ElectionLimit"/>.</exception>
    public async Task<(GetMembersResponse Members, SchedulerProcess Leader)> AgreedLeaderAsync(IReadOnlyList<SchedulerProcess> asked, Func<Member, bool>? accept = null)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < ElectionLimit)
        {
            try
            {
                var answers = await Task.WhenAll(asked.Select(m => m.Client.GetMembersAsync(new GetMembersRequest(), deadline: DateTime.UtcNow.AddSeconds(5)).ResponseAsync));
                last = string.Join("; ", answers.Select(a => $"leader {a.Leader?.MemberId}, cluster {a.Header.ClusterId}, {a.Members.Count} members"));
                var first = answers[0];
                if (first.Leader is { } leader
                    && first.Header.ClusterId != 0
                    && answers.All(a => a.Leader?.MemberId == leader.MemberId && a.Header.ClusterId == first.Header.ClusterId)
                    && (accept?.Invoke(leader) ?? true)
                    && _members.SingleOrDefault(m => IsMember(m, leader)) is { } process)
                {
                    if (await ServesAsync(process, first.Header.ClusterId))
                    {
                        return (first, process);
                    }

                    last = $"leader {leader.MemberId} agreed on, not serving yet";
                }
            }
            catch (RpcException ex)
            {
                last = ex.Status.ToString();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the members did not agree on a leader within {ElectionLimit.TotalSeconds} s; last: {last}");
    }

    /// <summary>Whether <paramref name="process"/> answers a leader's request instead of "not leader".</summary>
    private static async Task<bool> ServesAsync(SchedulerProcess process, ulong clusterId)
    {
        try
        {
            var request = new IsBootstrappedRequest { Header = new RequestHeader { ClusterId = clusterId } };
            await process.Client.IsBootstrappedAsync(request, deadline: DateTime.UtcNow.AddSeconds(5));
            return true;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && ex.Status.Detail == NotLeaderDetail)
        {
            return false;
        }
    }

    /// <summary>What a scheduler member answers a leader's request with while it does not lead (the server's <c>SchedulerService.NotLeaderDetail</c>).</summary>
    public const string NotLeaderDetail = "not leader";

    /// <summary>Whether <paramref name="member"/> (from GetMembers) is <paramref name="process"/>.</summary>
    public static bool IsMember(SchedulerProcess process, Member member) =>
        member.ClientUrls.Contains(process.Url.ToString().TrimEnd('/'));

    public ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            member.Dispose();
        }

        Etcd.Dispose();
        _data.Dispose();
        return ValueTask.CompletedTask;
    }
}
