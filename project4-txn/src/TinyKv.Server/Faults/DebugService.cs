using Grpc.Core;
using Microsoft.Extensions.Logging;
using TinyKv.Proto.Debugpb;
using TinyKv.Server.Replication;

namespace TinyKv.Server.Faults;

/// <summary>
/// The <c>Debug</c> gRPC service: faults a running server simulates on request, for tests and
/// experiments. Served only by a server started with <c>--fault-injection</c>; any other server
/// answers its calls with <c>UNIMPLEMENTED</c>.
/// </summary>
public sealed class DebugService : Debug.DebugBase
{
    private readonly FaultInjection _faults;
    private readonly RaftEndpoint _raft;
    private readonly ILogger<DebugService> _logger;

    public DebugService(FaultInjection faults, RaftEndpoint raft, ILogger<DebugService> logger)
    {
        _faults = faults;
        _raft = raft;
        _logger = logger;
    }

    /// <summary>Cuts the store off the network or heals it; answers whether it was isolated before.</summary>
    public override Task<IsolateResponse> Isolate(IsolateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var was = _faults.SetIsolated(request.Isolated);
        if (was != request.Isolated)
        {
            if (request.Isolated)
            {
                _logger.LogIsolated(_raft.ServerName);
            }
            else
            {
                _logger.LogHealed(_raft.ServerName);
            }
        }

        return Task.FromResult(new IsolateResponse { WasIsolated = was });
    }
}

internal static partial class DebugServiceLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server} is isolated (fault injection): its raft traffic is dropped both ways, client requests fail with UNAVAILABLE, its scheduler heartbeats stop")]
    public static partial void LogIsolated(this ILogger logger, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server} is healed (fault injection): raft traffic, client requests and scheduler heartbeats flow again")]
    public static partial void LogHealed(this ILogger logger, string server);
}
