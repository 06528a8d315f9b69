using TinyKv.Transaction.Mvcc;

namespace TinyKv.Transaction;

/// <summary>
/// Per-key latches: they make each command atomic with respect to the others. A command that
/// writes takes the latches of every user key it may write, all at once, before it reads; a
/// second command on any of those keys waits until the first has written and released them.
/// Not to be confused with transactions, which span many commands: latches last one command.
/// </summary>
/// <remarks>
/// One latch per user key, whatever the column family. Taking all of a command's latches in one
/// step (or none) rules out deadlock between commands. Thread-safe.
/// </remarks>
public sealed class Latches
{
    private readonly Dictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
    private readonly object _guard = new();

    /// <summary>
    /// Called by <see cref="Validate"/> with a command's transaction and the keys it latched,
    /// before its writes go to storage: tests use it to check that a command writes latched keys only.
    /// </summary>
    public Action<MvccTxn, IReadOnlyList<byte[]>>? Validation { get; set; }

    /// <summary>
    /// Takes the latches of every key in <paramref name="keys"/> if none is held, and returns null;
    /// otherwise takes none and returns a task that completes when a holder releases its latches.
    /// </summary>
    public Task? TryAcquire(IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_guard)
        {
            foreach (var key in keys)
            {
                if (_held.TryGetValue(Convert.ToHexString(key), out var holder))
                {
                    return holder.Task;
                }
            }

            var latch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var key in keys)
            {
                _held[Convert.ToHexString(key)] = latch;
            }

            return null;
        }
    }

    /// <summary>
    /// Takes the latches of every key in <paramref name="keys"/>, waiting for holders as long as
    /// it takes; the task completes once they are held. Waiting holds no thread.
    /// </summary>
    public async ValueTask AcquireAsync(IReadOnlyList<byte[]> keys)
    {
        while (TryAcquire(keys) is { } busy)
        {
            await busy;
        }
    }

    /// <summary>
    /// Releases latches taken together by one <see cref="AcquireAsync"/> and wakes whoever waits on
    /// them. Keys not latched are ignored.
    /// </summary>
    public void Release(IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        TaskCompletionSource? latch = null;
        lock (_guard)
        {
            foreach (var key in keys)
            {
                var name = Convert.ToHexString(key);
                if (!_held.Remove(name, out var holder))
                {
                    continue;
                }

                latch ??= holder;
            }
        }

        latch?.TrySetResult();
    }

    /// <summary>Runs <see cref="Validation"/>, if any.</summary>
    public void Validate(MvccTxn txn, IReadOnlyList<byte[]> latched) => Validation?.Invoke(txn, latched);
}
