using TinyKv.Scheduler.Operators;

namespace TinyKv.Scheduler.Schedulers;

/// <summary>
/// A scheduler the coordinator runs now and then: it looks at the cluster and proposes at most
/// one operator that makes it more even. Deciding is all it does; the coordinator hands the
/// operator to the controller, which runs it.
/// </summary>
public interface IBalanceScheduler
{
    /// <summary>The scheduler's name, as logs and the operators it makes show it.</summary>
    string Name { get; }

    /// <summary>True if the operators of this scheduler's kind are under their limit, so scheduling may go on.</summary>
    bool IsScheduleAllowed(IClusterView cluster);

    /// <summary>One operator that balances the cluster better, or null if there is nothing worth doing.</summary>
    Operator? Schedule(IClusterView cluster);
}
