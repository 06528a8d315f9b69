using Grpc.Core;
using Grpc.Net.Client;
using TinyKv.Proto.Debugpb;

namespace TinyKv.Cluster;

/// <summary>
/// The network fault of <c>tinykv-cluster isolate</c> and <c>heal</c>: asks a running store,
/// through its <c>Debug</c> service (served because <c>up</c> starts stores with
/// <c>--fault-injection</c>), to cut itself off the network or to come back. The process keeps
/// running either way; a failure is a <see cref="ClusterException"/>.
/// </summary>
public static class ClusterFaults
{
    private static readonly TimeSpan s_callLimit = TimeSpan.FromSeconds(10);

    /// <summary>Isolates (<paramref name="isolated"/> true) or heals store <paramref name="name"/> and says what changed.</summary>
    public static async Task IsolateAsync(CommandContext context, string name, bool isolated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = ClusterState.Load(context.Directory)
            ?? throw new ClusterException($"no cluster in {context.Directory} (no {ClusterState.FileName} there); start one with `tinykv-cluster up --dir {context.Directory}`");
        var process = state.Find(name, context.Directory);
        var verb = isolated ? "isolate" : "heal";
        if (process.Role != ProcessRole.Store)
        {
            throw new ClusterException($"{verb} takes a store, and {process.Name} is a {process.Role.ToString().ToLowerInvariant()}; `tinykv-cluster kill {process.Name}` stops it instead");
        }

        if (!ProcessSupervisor.IsAlive(process))
        {
            throw new ClusterException($"{process.Name} is not running, so it cannot be {(isolated ? "isolated" : "healed")}; `tinykv-cluster restart {name} --dir {context.Directory}` starts it");
        }

        bool was;
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://{process.Address}");
            var response = await new Debug.DebugClient(channel).IsolateAsync(
                new IsolateRequest { Isolated = isolated }, deadline: DateTime.UtcNow + s_callLimit, cancellationToken: cancellationToken).ConfigureAwait(false);
            was = response.WasIsolated;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            throw new ClusterException($"{process.Name} was started without --fault-injection (a cluster laid out before `isolate` existed?), so it cannot be {(isolated ? "isolated" : "healed")}; a new cluster (`tinykv-cluster up` in another --dir) starts its stores with it", ex);
        }
        catch (RpcException ex)
        {
            throw new ClusterException($"{process.Name} at {process.Address} did not answer the {verb} request: {ex.StatusCode}: {ex.Status.Detail}", ex);
        }

        context.Output.WriteLine((isolated, was) switch
        {
            (true, false) => $"isolated {process.Name} (pid {process.Pid}): its raft messages in and out are dropped, client requests get UNAVAILABLE, its scheduler heartbeats stop; `tinykv-cluster heal {name} --dir {context.Directory}` ends it",
            (true, true) => $"{process.Name} was already isolated; `tinykv-cluster heal {name} --dir {context.Directory}` ends it",
            (false, true) => $"healed {process.Name} (pid {process.Pid}): its raft traffic, client requests and heartbeats flow again",
            (false, false) => $"{process.Name} was not isolated; nothing changed",
        });
    }
}
