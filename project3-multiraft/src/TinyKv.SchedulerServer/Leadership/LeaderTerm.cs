namespace TinyKv.SchedulerServer.Leadership;

/// <summary>
/// One stretch of leadership of this member: the scheduler state built for it when it began
/// (loaded from the metadata store) and the way to wait until what requests wrote is durable.
/// A term ends once, when the member steps down, and never resumes: a member that leads again
/// gets a new term over freshly loaded state.
/// </summary>
/// <remarks>
/// <see cref="State"/> is used on the server's loop only, like every scheduler state;
/// <see cref="IsLive"/>, <see cref="Ended"/> and <see cref="End"/> are safe from any thread.
/// </remarks>
public sealed class LeaderTerm : IDisposable
{
    private readonly CancellationTokenSource _ended = new();
    private readonly Func<Task> _whenDurable;
    private readonly Func<bool>? _holds;

    /// <summary>Creates a term serving <paramref name="state"/>.</summary>
    /// <param name="state">The scheduler's state for this term.</param>
    /// <param name="whenDurable">
    /// Called on the loop: a task that completes when every write queued so far is durable, and
    /// faults with <see cref="LeadershipLostException"/> if the term ends first.
    /// </param>
    /// <param name="holds">
    /// Whether what the leadership rests on still holds (the etcd lease's local deadline has not
    /// passed); null: always. Checked on every request, so a leader that was paused past its lease
    /// refuses requests from the moment it runs again, before it has stepped down.
    /// </param>
    public LeaderTerm(SchedulerState state, Func<Task> whenDurable, Func<bool>? holds = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(whenDurable);
        State = state;
        _whenDurable = whenDurable;
        _holds = holds;
    }

    /// <summary>The scheduler's state (stores, regions, operators, TSO, ids) for this term.</summary>
    public SchedulerState State { get; }

    /// <summary>Whether the term still runs: false from the moment the member starts stepping down, or its lease is past its deadline.</summary>
    public bool IsLive => !_ended.IsCancellationRequested && (_holds?.Invoke() ?? true);

    /// <summary>Cancelled when the term ends: streams opened during the term end with it.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>
    /// Call on the loop right after a request ran: completes when every write the state queued
    /// so far is durable (at once with an embedded database), faults with
    /// <see cref="LeadershipLostException"/> if the term ends first.
    /// </summary>
    public Task WhenDurableAsync() => _whenDurable();

    /// <summary>Ends the term (idempotent): <see cref="IsLive"/> turns false and <see cref="Ended"/> is cancelled.</summary>
    public void End()
    {
        try
        {
            _ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Ended and disposed already.
        }
    }

    /// <summary>Ends the term and releases its token; call when the server stops.</summary>
    public void Dispose()
    {
        End();
        _ended.Dispose();
    }
}
