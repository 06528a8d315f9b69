using System.Globalization;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader.Seeds;

/// <summary>
/// <c>grader replay &lt;test&gt; --seed S</c>: build, find the one simulated test the name
/// matches among the available milestones, run it alone with <c>TINYKV_SEED=S</c>, print its
/// output and failure message (a simulated failure carries the tail of its event trace), and
/// end with <c>1 passed, 0 failed</c> or <c>0 passed, 1 failed</c>.
/// </summary>
public sealed class ReplaySession
{
    private readonly IReadOnlyList<MilestoneSpec> _milestones;
    private readonly ITestRunner _runner;
    private readonly TextWriter _out;

    /// <param name="milestones">Every milestone of the course, in course order.</param>
    /// <param name="runner">Builds the repository, lists and runs the tests.</param>
    /// <param name="output">Where the grader's own lines go (standard output).</param>
    public ReplaySession(IReadOnlyList<MilestoneSpec> milestones, ITestRunner runner, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(output);
        _milestones = milestones;
        _runner = runner;
        _out = output;
    }

    /// <summary>Replays as <paramref name="request"/> says; returns 0 when the test passed, 1 otherwise.</summary>
    /// <exception cref="UsageException">No available milestone, or the name matches no simulated test or several.</exception>
    public int Run(ReplayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var available = _milestones.Where(m => m.Available).ToList();
        if (available.Count == 0)
        {
            throw new UsageException("no milestone is available yet, so there is no test to replay");
        }

        if (SessionSteps.BuildOrReport(_runner, available, request.Settings, _out) is not null)
        {
            return End(passed: false);
        }

        var listing = _runner.List(new TestSelection(available, TestTrait.Simulated), request.Settings);
        foreach (var problem in listing.Problems)
        {
            _out.WriteLine($"grader: {problem}");
        }

        var test = TestMatch.Find(listing.Tests, request.Test);
        var seed = request.Seed.ToString(CultureInfo.InvariantCulture);
        _out.WriteLine($"replaying {test.Milestone.Id} {test.Name} with {SeedSweep.SeedVariable}={seed} …");
        var alone = new TestListing(listing.Selection with { DisplayName = test.DisplayName }, [test], []);
        var run = _runner.Run(alone, new Dictionary<string, string> { [SeedSweep.SeedVariable] = seed });
        foreach (var problem in run.Problems)
        {
            _out.WriteLine($"{test.Milestone.Id}: {problem}");
        }

        var result = run.Tests.Count > 0 ? run.Tests[0] : null;
        if (result is null)
        {
            _out.WriteLine($"{test.Name}: the run reported no result");
            return End(passed: false);
        }

        Show(result, test.Milestone);
        return End(result.IsPassed);
    }

    private void Show(TestResult result, MilestoneSpec milestone)
    {
        if (result.StandardOutput.Length > 0)
        {
            _out.WriteLine("output:");
            _out.WriteLine(Indent(result.StandardOutput));
        }

        var outcome = result.Outcome switch
        {
            TestOutcome.Passed => "passed",
            TestOutcome.NotStarted => "not started",
            TestOutcome.TimedOut => "timed out",
            TestOutcome.Crashed => "crashed",
            _ => "failed",
        };
        _out.WriteLine($"{result.Name}: {outcome} ({result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)");
        var explanation = Reports.Reports.Explain(result, milestone.TestTimeLimitSeconds);
        if (explanation.Length > 0)
        {
            _out.WriteLine(Indent(explanation));
        }
    }

    private int End(bool passed)
    {
        _out.WriteLine(passed ? "1 passed, 0 failed" : "0 passed, 1 failed");
        return passed ? ExitCodes.AllPassed : ExitCodes.NotAllPassed;
    }

    private static string Indent(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(line => "  " + line));
}
