using TinyKv.Proto.Kvrpcpb;
using Action = TinyKv.Proto.Kvrpcpb.Action;

namespace TinyKv.Client;

/// <summary>
/// What a client does about another transaction's lock in its way: ask the lock's primary key
/// what became of that transaction (KvCheckTxnStatus, which rolls it back if its TTL ran out),
/// then, if it is finished, commit or roll back its remaining locks (KvResolveLock).
/// </summary>
internal sealed class LockResolver(ITransactionTransport transport, ITimestampOracle oracle)
{
    /// <summary>
    /// Resolves the transaction holding <paramref name="lockInfo"/>. Returns true when that
    /// transaction is finished and its locks are gone (try again at once), false when it is
    /// still alive or the store could not answer (wait, then try again).
    /// </summary>
    public async Task<bool> ResolveAsync(LockInfo lockInfo, CancellationToken cancellationToken)
    {
        var currentTs = await oracle.NextAsync(cancellationToken).ConfigureAwait(false);
        var status = await transport.KvCheckTxnStatusAsync(
            new CheckTxnStatusRequest { PrimaryKey = lockInfo.PrimaryLock, LockTs = lockInfo.LockVersion, CurrentTs = currentTs },
            cancellationToken).ConfigureAwait(false);
        if (status.RegionError is not null)
        {
            return false;
        }

        if (status.Action == Action.NoAction && status.CommitVersion == 0 && status.LockTtl > 0)
        {
            return false; // The primary lock is alive: its owner may still commit.
        }

        // Committed (commit_version set) or rolled back (now or earlier): finish the rest the same way.
        var resolved = await transport.KvResolveLockAsync(
            new ResolveLockRequest { StartVersion = lockInfo.LockVersion, CommitVersion = status.CommitVersion },
            lockInfo.Key.Memory,
            cancellationToken).ConfigureAwait(false);
        return resolved.RegionError is null && resolved.Error is null;
    }

    /// <summary>
    /// Resolves every distinct transaction among <paramref name="locks"/>, in order. Returns true
    /// when all of them are finished and resolved.
    /// </summary>
    public async Task<bool> ResolveAllAsync(IEnumerable<LockInfo> locks, CancellationToken cancellationToken)
    {
        var all = true;
        var seen = new HashSet<ulong>();
        foreach (var lockInfo in locks)
        {
            if (seen.Add(lockInfo.LockVersion))
            {
                all &= await ResolveAsync(lockInfo, cancellationToken).ConfigureAwait(false);
            }
        }

        return all;
    }
}
