using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Net.Client;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;

namespace TinyKv.Scheduler.Benchmarks;

/// <summary>
/// Region heartbeats the way a cluster sends them: each store keeps one <c>RegionHeartbeat</c>
/// stream (on its own connection, as each store is its own process) and reports on it every
/// region it leads. The regions tile the key space; region <c>i</c> has a peer on three
/// consecutive stores and is led by the first, so leaders and replicas are spread evenly and
/// balancing has nothing to do.
/// </summary>
/// <remarks>
/// The server answers a heartbeat only when it has an operator step or an error for it, so a round
/// ends by closing the streams and waiting until the server ends each call: by then it has handled
/// every heartbeat sent, and the round's time covers them all.
/// </remarks>
public sealed class HeartbeatLoad : IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly SchedulerClient[] _clients;
    private readonly List<RegionHeartbeatRequest>[] _byLeaderStore;
    private readonly RequestHeader _header;
    private readonly int _regions;

    private HeartbeatLoad(GrpcChannel[] channels, RequestHeader header, int regions)
    {
        _channels = channels;
        _clients = [.. channels.Select(c => new SchedulerClient(c))];
        _header = header;
        _regions = regions;
        _byLeaderStore = [.. channels.Select(_ => new List<RegionHeartbeatRequest>())];
        for (var i = 0; i < regions; i++)
        {
            var heartbeat = Heartbeat(i);
            _byLeaderStore[(int)heartbeat.Leader.StoreId - 1].Add(heartbeat);
        }
    }

    /// <summary>Stores 1..N.</summary>
    public int Stores => _channels.Length;

    /// <summary>
    /// Bootstraps the cluster of the (fresh) scheduler at <paramref name="url"/> with store 1, adds
    /// stores 2..<paramref name="stores"/>, sends each a store heartbeat, and prepares one heartbeat
    /// per region for <paramref name="regions"/> regions.
    /// </summary>
    public static async Task<HeartbeatLoad> SetUpAsync(Uri url, int stores, int regions, CancellationToken cancellationToken)
    {
        var channels = Enumerable.Range(0, stores).Select(_ => GrpcChannel.ForAddress(url)).ToArray();
        var client = new SchedulerClient(channels[0]);
        var members = await client.GetMembersAsync(new GetMembersRequest(), cancellationToken: cancellationToken).ConfigureAwait(false);
        var header = new RequestHeader { ClusterId = members.Header.ClusterId };
        Check((await client.BootstrapAsync(new BootstrapRequest { Header = header, Store = Store(1) }, cancellationToken: cancellationToken).ConfigureAwait(false)).Header, "bootstrap");
        for (ulong id = 2; id <= (ulong)stores; id++)
        {
            Check((await client.PutStoreAsync(new PutStoreRequest { Header = header, Store = Store(id) }, cancellationToken: cancellationToken).ConfigureAwait(false)).Header, "put store");
        }

        var load = new HeartbeatLoad(channels, header, regions);
        await load.StoreHeartbeatsAsync(cancellationToken).ConfigureAwait(false);
        return load;
    }

    /// <summary>Sends one store heartbeat per store (stores report every few seconds; a silent one would count as down).</summary>
    public async Task StoreHeartbeatsAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < Stores; i++)
        {
            var stats = new StoreStats
            {
                StoreId = (ulong)i + 1,
                Capacity = 100UL << 30,
                Available = 50UL << 30,
                RegionCount = (uint)Math.Min(_regions, _regions * 3 / Stores),
                StartTime = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            };
            var response = await _clients[i].StoreHeartbeatAsync(new StoreHeartbeatRequest { Header = _header, Stats = stats }, cancellationToken: cancellationToken).ConfigureAwait(false);
            Check(response.Header, "store heartbeat");
        }
    }

    /// <summary>Every region's heartbeat once, each store on its stream: the counts of heartbeats sent and of error answers.</summary>
    public Task<(long Sent, long Errors)> SendEachOnceAsync(CancellationToken cancellationToken) =>
        RunStreamsAsync(long.MaxValue, onePass: true, cancellationToken);

    /// <summary>Heartbeats of every region, round after round, until <paramref name="duration"/> has passed; then the streams close.</summary>
    public Task<(long Sent, long Errors)> SendForAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        RunStreamsAsync(Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency), onePass: false, cancellationToken);

    /// <summary>How many regions the scheduler knows, counted by scanning them all.</summary>
    public async Task<int> CountRegionsAsync(CancellationToken cancellationToken)
    {
        var response = await _clients[0].ScanRegionsAsync(new ScanRegionsRequest { Header = _header, Limit = 0 }, cancellationToken: cancellationToken).ConfigureAwait(false);
        Check(response.Header, "scan regions");
        return response.Regions.Count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private async Task<(long Sent, long Errors)> RunStreamsAsync(long endTimestamp, bool onePass, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, Stores).Select(i => StreamAsync(_clients[i], _byLeaderStore[i], endTimestamp, onePass, cancellationToken))).ConfigureAwait(false);
        return (results.Sum(r => r.Sent), results.Sum(r => r.Errors));
    }

    private static async Task<(long Sent, long Errors)> StreamAsync(SchedulerClient client, List<RegionHeartbeatRequest> heartbeats, long endTimestamp, bool onePass, CancellationToken cancellationToken)
    {
        using var call = client.RegionHeartbeat(cancellationToken: cancellationToken);
        var errors = 0L;
        var reader = Task.Run(
            async () =>
            {
                // Answers are operator steps (none expected: the cluster is balanced) or refusals.
                while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    if (call.ResponseStream.Current.Header?.Error is not null)
                    {
                        errors++;
                    }
                }
            },
            cancellationToken);

        var sent = 0L;
        do
        {
            foreach (var heartbeat in heartbeats)
            {
                await call.RequestStream.WriteAsync(heartbeat, cancellationToken).ConfigureAwait(false);
                sent++;
                if (!onePass && Stopwatch.GetTimestamp() >= endTimestamp)
                {
                    break;
                }
            }
        }
        while (!onePass && Stopwatch.GetTimestamp() < endTimestamp);

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        await reader.ConfigureAwait(false); // The server ends the call once it has handled every heartbeat sent.
        return (sent, errors);
    }

    private RegionHeartbeatRequest Heartbeat(int i)
    {
        var region = new Region
        {
            Id = 1000 + (ulong)i,
            StartKey = i == 0 ? ByteString.Empty : Key(i),
            EndKey = i == _regions - 1 ? ByteString.Empty : Key(i + 1),
            RegionEpoch = new RegionEpoch { Version = 1, ConfVer = 1 },
        };
        for (var k = 0; k < 3; k++)
        {
            region.Peers.Add(new Peer { Id = 1_000_000 + ((ulong)i * 3) + (ulong)k, StoreId = (ulong)((i + k) % Stores) + 1 });
        }

        return new RegionHeartbeatRequest { Header = _header, Region = region, Leader = region.Peers[0].Clone(), ApproximateSize = 1UL << 20 };
    }

    private static ByteString Key(int i) => ByteString.CopyFromUtf8("r" + i.ToString("D8", CultureInfo.InvariantCulture));

    private static Store Store(ulong id) => new() { Id = id, Address = $"127.0.0.1:{20160 + id}" };

    private static void Check(ResponseHeader? header, string what)
    {
        if (header?.Error is { } error)
        {
            throw new InvalidOperationException($"{what} failed: {error.Type}: {error.Message}");
        }
    }
}
