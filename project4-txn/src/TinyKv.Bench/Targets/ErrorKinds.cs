using Grpc.Core;
using TinyKv.Client;
using TinyKv.Client.Regions;
using TinyKv.Client.Scheduling;
using RegionError = TinyKv.Proto.Errorpb.Error;

namespace TinyKv.Bench.Targets;

/// <summary>
/// The names errors are counted under: <c>deadline</c> (a request outlived its deadline),
/// <c>grpc:&lt;StatusCode&gt;</c> (any other failed call), <c>region:not_leader</c>,
/// <c>region:stale_command</c>, <c>region:epoch_not_match</c> and the other region errors
/// of a TinyKV store, <c>key_error</c> (a raw request's error text), <c>txn:…</c> (a
/// transaction that did not commit), and for the region-aware client <c>region:unavailable</c>
/// (every attempt at a key's region failed) and <c>scheduler:unavailable</c> (no scheduler
/// leader answered), and <c>exception:&lt;Type&gt;</c> (anything else). Every <c>txn:</c>
/// kind is an aborted transaction: <see cref="RunResult.TxnAbortRate"/> counts them.
/// </summary>
public static class ErrorKinds
{
    public const string Deadline = "deadline";
    public const string KeyError = "key_error";
    public const string TxnConflict = "txn:conflict";
    public const string TxnAborted = "txn:aborted";
    public const string TxnRetryLimit = "txn:retry_limit";
    public const string TxnCompareFailed = "txn:compare_failed";
    public const string RegionUnavailable = "region:unavailable";
    public const string SchedulerUnavailable = "scheduler:unavailable";

    /// <summary>The prefix of every kind that names an aborted transaction.</summary>
    public const string TxnPrefix = "txn:";

    /// <summary>The kind of a failed gRPC call.</summary>
    public static string Of(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode == StatusCode.DeadlineExceeded ? Deadline : "grpc:" + exception.StatusCode;
    }

    /// <summary>The kind of a region error, after the field that is set.</summary>
    public static string Of(RegionError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return "region:" + (error.NotLeader is not null ? "not_leader"
            : error.StaleCommand is not null ? "stale_command"
            : error.EpochNotMatch is not null ? "epoch_not_match"
            : error.RegionNotFound is not null ? "region_not_found"
            : error.KeyNotInRegion is not null ? "key_not_in_region"
            : error.StoreNotMatch is not null ? "store_not_match"
            : "other");
    }

    /// <summary>The kind of a failure thrown by an operation: a gRPC call, a transaction, or anything else.</summary>
    public static string Of(Exception exception) => exception switch
    {
        RpcException rpc => Of(rpc),
        TransactionConflictException => TxnConflict,
        TransactionAbortedException => TxnAborted,
        RetryLimitExceededException => TxnRetryLimit,
        RegionUnavailableException => RegionUnavailable,
        SchedulerUnavailableException => SchedulerUnavailable,
        RawKvException => KeyError,
        _ => "exception:" + (exception ?? throw new ArgumentNullException(nameof(exception))).GetType().Name,
    };
}
