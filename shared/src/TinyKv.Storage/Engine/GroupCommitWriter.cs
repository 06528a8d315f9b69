namespace TinyKv.Storage.Engine;

/// <summary>
/// Writes batches durably for many callers at once (group commit): callers queue their batches
/// and await; one dedicated thread takes everything queued while it was busy, writes it as one
/// engine batch with one sync, and completes each caller's task. A sync costs the same for one
/// batch or a hundred, so under load the disk is asked once for many requests, and no request
/// holds a thread while it waits.
/// </summary>
/// <remarks>
/// Each caller's batch stays atomic (a group is one engine batch). If a group's write fails,
/// the batches are written again one by one, so a bad batch fails alone. Thread-safe.
/// Disposing writes what is already queued, then stops the thread; the engine stays open (its
/// owner closes it afterwards).
/// </remarks>
public sealed class GroupCommitWriter : IDisposable
{
    private readonly IKvEngine _engine;
    private readonly object _lock = new(); // Monitor.Wait and Pulse need a plain object, not a Lock.
    private readonly Thread _thread;
    private List<Pending> _queue = [];
    private bool _stopping;

    /// <summary>Starts the writer's thread over <paramref name="engine"/>, which the caller keeps owning.</summary>
    public GroupCommitWriter(IKvEngine engine, string name = "group-commit")
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _thread = new Thread(Run) { Name = name, IsBackground = true };
        _thread.Start();
    }

    /// <summary>Queues <paramref name="batch"/>; the task completes once it is written and synced, or faults with the engine's error.</summary>
    /// <exception cref="ObjectDisposedException">The writer is stopped (the task faults with it).</exception>
    public Task WriteAsync(WriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_stopping)
            {
                return Task.FromException(new ObjectDisposedException(nameof(GroupCommitWriter), "the storage is stopped"));
            }

            _queue.Add(new Pending(batch, done));
            if (_queue.Count == 1)
            {
                Monitor.Pulse(_lock);
            }
        }

        return done.Task;
    }

    /// <summary>Writes what is queued, then stops the thread.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _stopping = true;
            Monitor.Pulse(_lock);
        }

        _thread.Join();
    }

    private void Run()
    {
        while (TakeGroup() is { } group)
        {
            Commit(group);
        }
    }

    /// <summary>Waits for queued batches and takes them all; null once stopped with nothing queued.</summary>
    private List<Pending>? TakeGroup()
    {
        lock (_lock)
        {
            while (_queue.Count == 0)
            {
                if (_stopping)
                {
                    return null;
                }

                Monitor.Wait(_lock);
            }

            var group = _queue;
            _queue = [];
            return group;
        }
    }

    private void Commit(List<Pending> group)
    {
        if (group.Count > 1)
        {
            var merged = new WriteBatch();
            foreach (var pending in group)
            {
                merged.Append(pending.Batch);
            }

            if (TryWrite(merged) is null)
            {
                foreach (var pending in group)
                {
                    pending.Done.TrySetResult();
                }

                return;
            }
        }

        // One batch, or a group whose write failed: each on its own, so an error is its batch's alone.
        foreach (var pending in group)
        {
            if (TryWrite(pending.Batch) is { } error)
            {
                pending.Done.TrySetException(error);
            }
            else
            {
                pending.Done.TrySetResult();
            }
        }
    }

    private Exception? TryWrite(WriteBatch batch)
    {
        try
        {
            _engine.Write(batch, sync: true);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private sealed record Pending(WriteBatch Batch, TaskCompletionSource Done);
}
