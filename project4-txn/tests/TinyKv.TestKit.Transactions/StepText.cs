using System.Text;
using Google.Protobuf;
using TinyKv.Client;
using TinyKv.Proto.Kvrpcpb;
using Action = TinyKv.Proto.Kvrpcpb.Action;

namespace TinyKv.TestKit.Transactions;

/// <summary>
/// Requests and responses as one line of a scenario history. Timestamps show as
/// <c>physical.logical</c> (milliseconds of simulated time, then the counter); printable keys
/// and values as text.
/// </summary>
public static class StepText
{
    public static string Ts(ulong ts) => $"{ClockOracle.Physical(ts)}.{ClockOracle.Logical(ts)}";

    public static string Bytes(ByteString bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Bytes(bytes.Span);
    }

    public static string Bytes(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            if (!text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                return text;
            }
        }
        catch (DecoderFallbackException)
        {
            // Not text.
        }

        return "0x" + Convert.ToHexStringLower(bytes);
    }

    public static string Describe(GetRequest request) => $"KvGet {Bytes(request.Key)} @{Ts(request.Version)}";

    public static string Describe(GetResponse response) => response switch
    {
        { RegionError: { } region } => "region error: " + region.Message,
        { Error: { } error } => Describe(error),
        { NotFound: true } => "not found",
        _ => "= " + Bytes(response.Value),
    };

    public static string Describe(ScanRequest request) => $"KvScan from {Bytes(request.StartKey)} limit {request.Limit} @{Ts(request.Version)}";

    public static string Describe(ScanResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.RegionError is { } region)
        {
            return "region error: " + region.Message;
        }

        return "[" + string.Join(", ", response.Pairs.Select(p => p.Error is null ? $"{Bytes(p.Key)}={Bytes(p.Value)}" : $"{Bytes(p.Key)}: {Describe(p.Error)}")) + "]";
    }

    public static string Describe(PrewriteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var mutations = request.Mutations.Select(m => m.Op == Op.Put ? $"{Bytes(m.Key)}={Bytes(m.Value)}" : $"{Bytes(m.Key)} {m.Op}");
        return $"KvPrewrite @{Ts(request.StartVersion)} [{string.Join(", ", mutations)}] primary {Bytes(request.PrimaryLock)} ttl {request.LockTtl}";
    }

    public static string Describe(PrewriteResponse response) => response switch
    {
        { RegionError: { } region } => "region error: " + region.Message,
        { Errors.Count: 0 } => "ok",
        _ => string.Join("; ", response.Errors.Select(Describe)),
    };

    public static string Describe(CommitRequest request) =>
        $"KvCommit @{Ts(request.StartVersion)} at {Ts(request.CommitVersion)} [{string.Join(", ", request.Keys.Select(Bytes))}]";

    public static string Describe(CommitResponse response) => Outcome(response.RegionError, response.Error);

    public static string Describe(CheckTxnStatusRequest request) =>
        $"KvCheckTxnStatus {Bytes(request.PrimaryKey)} @{Ts(request.LockTs)} now {Ts(request.CurrentTs)}";

    public static string Describe(CheckTxnStatusResponse response) => response switch
    {
        { RegionError: { } region } => "region error: " + region.Message,
        { CommitVersion: > 0 } => $"committed at {Ts(response.CommitVersion)}",
        { Action: Action.TtlexpireRollback } => "lock expired: rolled back",
        { Action: Action.LockNotExistRollback } => "no lock: rolled back",
        { LockTtl: > 0 } => $"alive (ttl {response.LockTtl})",
        _ => "rolled back earlier",
    };

    public static string Describe(BatchRollbackRequest request) =>
        $"KvBatchRollback @{Ts(request.StartVersion)} [{string.Join(", ", request.Keys.Select(Bytes))}]";

    public static string Describe(BatchRollbackResponse response) => Outcome(response.RegionError, response.Error);

    public static string Describe(ResolveLockRequest request) =>
        $"KvResolveLock @{Ts(request.StartVersion)} " + (request.CommitVersion == 0 ? "roll back" : $"commit at {Ts(request.CommitVersion)}");

    public static string Describe(ResolveLockResponse response) => Outcome(response.RegionError, response.Error);

    public static string Describe(KeyError error) => error switch
    {
        { Locked: { } l } => $"{Bytes(l.Key)} locked @{Ts(l.LockVersion)} (primary {Bytes(l.PrimaryLock)}, ttl {l.LockTtl})",
        { Conflict: { } c } => $"conflict on {Bytes(c.Key)}: committed at {Ts(c.ConflictTs)}",
        { Abort.Length: > 0 } => "abort: " + error.Abort,
        { Retryable.Length: > 0 } => "retryable: " + error.Retryable,
        _ => "empty key error",
    };

    private static string Outcome(Proto.Errorpb.Error? region, KeyError? error) =>
        region is not null ? "region error: " + region.Message : error is null ? "ok" : Describe(error);
}
