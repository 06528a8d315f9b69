using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using TinyKv.Client.Regions;
using TinyKv.Ctl;
using TinyKv.Proto.Metapb;

namespace TinyKv.Cluster;

/// <summary>
/// Asks a running cluster how it is: the scheduler's view of its stores and regions (through
/// <c>tinykv-ctl scheduler</c>'s <see cref="SchedulerConnection"/>), and whether a raw write and
/// read go through (through the region-aware <see cref="RawKvClient"/>).
/// </summary>
public static class ClusterProbe
{
    /// <summary>The key the readiness check writes and reads back.</summary>
    public static readonly ByteString ProbeKey = ByteString.CopyFromUtf8("tinykv-cluster/probe");

    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(200);

    /// <summary>What the scheduler knows: every store, and every region.</summary>
    public sealed record SchedulerView(string SchedulerAddress, IReadOnlyList<StoreView> Stores, IReadOnlyList<RegionView> Regions);

    /// <summary>The scheduler's stores and regions, from the first scheduler in <paramref name="state"/> that answers.</summary>
    /// <exception cref="SchedulerQueryException">No scheduler answered; the message is the last one's failure.</exception>
    public static async Task<SchedulerView> AskSchedulerAsync(ClusterState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        SchedulerQueryException? last = null;
        foreach (var scheduler in state.Processes.Where(p => p.Role == ProcessRole.Scheduler))
        {
            try
            {
                using var connection = await SchedulerConnection.ConnectAsync(scheduler.Address, cancellationToken).ConfigureAwait(false);
                var stores = await connection.GetStoresAsync(cancellationToken).ConfigureAwait(false);
                var regions = await connection.ScanRegionsAsync(ByteString.Empty, 0, cancellationToken).ConfigureAwait(false);
                return new SchedulerView(scheduler.Address, stores, regions);
            }
            catch (SchedulerQueryException ex)
            {
                last = ex;
            }
        }

        throw last ?? new SchedulerQueryException("the cluster has no scheduler");
    }

    /// <summary>
    /// Waits until every store of <paramref name="state"/> is registered with the scheduler under
    /// its address and up; returns the state with each store's id.
    /// </summary>
    /// <exception cref="ClusterException">Not so within the deadline, or a store exited; the message holds the end of the logs concerned.</exception>
    public static async Task<ClusterState> WaitStoresUpAsync(ClusterState state, Deadline deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(deadline);
        var missing = state.Stores;
        var why = "";
        while (true)
        {
            if (missing.FirstOrDefault(p => !ProcessSupervisor.IsAlive(p)) is { } dead)
            {
                throw new ClusterException($"{dead.Name} exited before it joined the cluster\n{LogTail.Of(dead.LogPath)}");
            }

            try
            {
                var view = await AskSchedulerAsync(state, cancellationToken).ConfigureAwait(false);
                var byAddress = view.Stores.Where(s => s.Meta.State == StoreState.Up).GroupBy(s => s.Meta.Address).ToDictionary(g => g.Key, g => g.Last().Meta.Id);
                missing = [.. state.Stores.Where(p => !byAddress.ContainsKey(p.Address))];
                if (missing.Count == 0)
                {
                    foreach (var store in state.Stores)
                    {
                        state = state.With(store with { StoreId = byAddress[store.Address] });
                    }

                    return state;
                }

                why = $"the scheduler does not list {string.Join(", ", missing.Select(p => $"{p.Name} ({p.Address})"))} as up";
            }
            catch (SchedulerQueryException ex)
            {
                why = ex.Message;
            }

            if (deadline.Expired)
            {
                var logs = (missing.Count > 0 ? missing : state.Stores).Take(3).Select(p => LogTail.Of(p.LogPath, 10));
                throw new ClusterException($"the stores did not all join within {deadline}: {why}\n{string.Join('\n', logs)}");
            }

            await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a value through the scheduler's region map and reads it back, retrying until it works or the deadline passes.</summary>
    /// <exception cref="ClusterException">No round trip worked in time; the message holds the last failure and the end of the stores' logs.</exception>
    public static async Task RoundTripAsync(ClusterState state, Deadline deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(deadline);
        var why = "";
        var attempt = 0;
        while (true)
        {
            foreach (var scheduler in state.Processes.Where(p => p.Role == ProcessRole.Scheduler))
            {
                var value = ByteString.CopyFromUtf8(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:O} #{++attempt}"));
                try
                {
                    using var client = RawKvClient.Connect(new Uri("http://" + scheduler.Address), new RegionClientOptions { MaxAttempts = 5 });
                    using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    call.CancelAfter(TimeSpan.FromSeconds(10));
                    await client.PutAsync(ProbeKey, value, cancellationToken: call.Token).ConfigureAwait(false);
                    var read = await client.GetAsync(ProbeKey, cancellationToken: call.Token).ConfigureAwait(false);
                    if (read is not null && read.Equals(value))
                    {
                        return;
                    }

                    why = $"read back {(read is null ? "nothing" : $"'{read.ToStringUtf8()}'")} after writing '{value.ToStringUtf8()}'";
                }
                catch (Exception ex) when (ex is RegionUnavailableException or RawKvException or RpcException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    why = ex.Message;
                }
            }

            if (deadline.Expired)
            {
                var logs = state.Stores.Take(3).Select(p => LogTail.Of(p.LogPath, 10));
                throw new ClusterException($"a raw put and get through the scheduler did not work within {deadline}: {why}\n{string.Join('\n', logs)}");
            }

            await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
        }
    }
}
