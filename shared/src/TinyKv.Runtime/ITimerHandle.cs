namespace TinyKv.Runtime;

/// <summary>A scheduled action that has not necessarily run yet; see <see cref="IScheduler.Schedule"/>.</summary>
public interface ITimerHandle
{
    /// <summary>True while the action is waiting: neither run nor cancelled.</summary>
    bool IsPending { get; }

    /// <summary>Stops the action from running.</summary>
    /// <returns>True if it was pending; false if it had already run or been cancelled.</returns>
    bool Cancel();
}
