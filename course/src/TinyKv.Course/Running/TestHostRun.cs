namespace TinyKv.Course.Running;

/// <summary>How a <c>dotnet vstest</c> run ended.</summary>
public enum TestHostEnd
{
    /// <summary>Every selected test ran and reported (whatever their outcomes).</summary>
    Completed,

    /// <summary>The blame collector's hang timeout fired and the host was killed.</summary>
    HangTimeout,

    /// <summary>The test host died on its own: a fail-fast, a stack overflow, an exit.</summary>
    HostCrashed,

    /// <summary>The whole run passed the runner's overall limit and was killed.</summary>
    Watchdog,

    /// <summary>The caller stopped the run (a failure it was waiting for came) and it was killed.</summary>
    Stopped,
}

/// <summary>What one <c>dotnet vstest</c> run left behind.</summary>
/// <param name="End">How it ended.</param>
/// <param name="Results">The tests that finished and reported, from the TRX file.</param>
/// <param name="Unfinished">Tests the blame collector saw start and not finish (empty when <paramref name="End"/> is <see cref="TestHostEnd.Completed"/>).</param>
/// <param name="Output">Everything vstest printed.</param>
public sealed record TestHostRun(TestHostEnd End, IReadOnlyList<TrxTest> Results, IReadOnlyList<BlamedTest> Unfinished, string Output);
