using Google.Protobuf;
using Grpc.Net.Client;
using TinyKv.Proto.Schedulerpb;
using TinyKv.TestKit;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;

namespace TinyKv.Server.Tests;

/// <summary>
/// A multi-region cluster on real processes, as a user starts it: a <c>tinyscheduler-server</c>
/// (patrolling regions every 50 ms) and <c>tinykv-server --scheduler</c> stores on free loopback
/// ports with a fast raft tick, their data under one folder. Stores can be killed and started
/// again over their data; disposing kills every process started, by id.
/// </summary>
internal sealed class SchedulerProcesses : IDisposable
{
    private readonly TempDirectory _data;
    private readonly List<int> _ports;
    private readonly string[] _storeArguments;
    private readonly List<ServerProcess> _started = [];
    private readonly List<ServerProcess> _stores = [];

    private SchedulerProcesses(TempDirectory data, int stores, string[] storeArguments)
    {
        _data = data;
        _ports = [.. ReplicatedCluster.FreePorts(stores)];
        _storeArguments = storeArguments;
        Scheduler = Started(ServerProcess.StartProgram("tinyscheduler-server", data.Combine("scheduler"), "--addr", "127.0.0.1:0", "--patrol-interval-ms", "50"));
    }

    /// <summary>
    /// Starts the scheduler, waits (bounded) until it answers, then starts <paramref name="stores"/>
    /// stores with <paramref name="storeArguments"/> added to each store's command line (region
    /// sizes, <c>--fault-injection</c>). A store gives up on a scheduler that does not answer
    /// within 10 s, which a scheduler still starting on a loaded machine can miss.
    /// </summary>
    public static async Task<SchedulerProcesses> StartAsync(TempDirectory data, int stores, params string[] storeArguments)
    {
        SchedulerProcesses? processes = null;
        try
        {
            processes = new SchedulerProcesses(data, stores, storeArguments);
            using (var channel = GrpcChannel.ForAddress(processes.Scheduler.Url))
            {
                var client = new SchedulerClient(channel);
                await SchedulerClusterHarness.WaitForAsync("the scheduler to answer", async () =>
                {
                    try
                    {
                        return await client.GetMembersAsync(new GetMembersRequest { Header = new RequestHeader() }, deadline: DateTime.UtcNow.AddSeconds(5));
                    }
                    catch (Grpc.Core.RpcException)
                    {
                        return null;
                    }
                });
            }

            for (var i = 0; i < stores; i++)
            {
                processes._stores.Add(processes.StartStoreProcess(i));
            }

            return processes;
        }
        catch
        {
            processes?.Dispose();
            throw;
        }
    }

    /// <summary>The scheduler.</summary>
    public ServerProcess Scheduler { get; }

    /// <summary>The stores, by the index they were started with (the running process of each).</summary>
    public IReadOnlyList<ServerProcess> Stores => _stores;

    /// <summary>Starts one more store, empty, on a free port; it joins through the scheduler.</summary>
    public ServerProcess StartStore()
    {
        _ports.Add(ReplicatedCluster.FreePorts(1)[0]);
        _stores.Add(StartStoreProcess(_stores.Count));
        return _stores[^1];
    }

    /// <summary>Kills store <paramref name="index"/> (SIGKILL), waits <paramref name="down"/>, and starts it again over its data.</summary>
    public async Task CrashAndRestartAsync(int index, TimeSpan down)
    {
        _stores[index].Kill();
        await Task.Delay(down);
        _stores[index] = StartStoreProcess(index);
    }

    /// <summary>The scheduler's region map once it satisfies <paramref name="wanted"/> (waited for, bounded), and every store's address by id.</summary>
    public async Task<(ScanRegionsResponse Regions, Dictionary<ulong, string> Addresses)> RegionsWhenAsync(Func<ScanRegionsResponse, bool> wanted, string what)
    {
        using var channel = GrpcChannel.ForAddress(Scheduler.Url);
        var client = new SchedulerClient(channel);
        var members = await client.GetMembersAsync(new GetMembersRequest { Header = new RequestHeader() });
        var header = new RequestHeader { ClusterId = members.Header.ClusterId };
        var regions = await SchedulerClusterHarness.WaitForAsync(what, async () =>
            await client.ScanRegionsAsync(new ScanRegionsRequest { Header = header, StartKey = ByteString.Empty, Limit = 1000 }) is var found && wanted(found) ? found : null);
        var stores = await client.GetAllStoresAsync(new GetAllStoresRequest { Header = header });
        return (regions, stores.Stores.ToDictionary(store => store.Id, store => store.Address));
    }

    /// <summary>
    /// Waits (bounded) until the scheduler's region map satisfies <paramref name="wanted"/>, then
    /// returns it with the index of the store that leads the most regions and that store's id.
    /// </summary>
    public async Task<(ScanRegionsResponse Regions, int Busiest, ulong BusiestId)> BusiestStoreAsync(Func<ScanRegionsResponse, bool> wanted, string what)
    {
        var (regions, addresses) = await RegionsWhenAsync(wanted, what);
        var busiest = regions.Leaders.Where(l => l.StoreId > 0).GroupBy(l => l.StoreId).OrderByDescending(g => g.Count()).First().Key;
        var index = _stores.FindIndex(s => s.Address == addresses[busiest]);
        return index >= 0 ? (regions, index, busiest) : throw new InvalidOperationException($"store {busiest} at {addresses[busiest]}, which leads the most regions, is not one of ours");
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            process.Dispose();
        }
    }

    private ServerProcess StartStoreProcess(int index) => Started(ServerProcess.Start(
        _data.Combine($"store-{index}"),
        ["--scheduler", Scheduler.Address, "--addr", $"127.0.0.1:{_ports[index]}", "--raft-tick-ms", "20", .. _storeArguments]));

    private ServerProcess Started(ServerProcess process)
    {
        _started.Add(process);
        return process;
    }
}
