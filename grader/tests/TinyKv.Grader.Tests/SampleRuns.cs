using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader.Tests;

/// <summary>Fixed grading data: every outcome, fixed times, so report formats can be pinned by golden files.</summary>
public static class SampleRuns
{
    public static readonly DateTimeOffset Started = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static MilestoneSpec Spec(string id, bool available = true, double points = 5) =>
        new(id, $"Milestone {id}", 1, points, 10, available, [$"tests/{id}.csproj"], []);

    public static TestResult Test(string milestone, string name, TestOutcome outcome, string output = "") =>
        new(milestone, name, outcome, TimeSpan.FromMilliseconds(250), output);

    public static MilestoneRun Stage1() => new(
        Spec("1"),
        [
            Test("1", "RawApiTests.RawGet_returns_the_stored_value", TestOutcome.Passed),
            Test("1", "RawApiTests.RawPut_stores_the_value", TestOutcome.Failed, "Expected value to be 42, but found 0.\n   at RawApiTests.RawPut_stores_the_value()"),
            Test("1", "RawApiTests.RawScan_returns_pairs", TestOutcome.NotStarted, "TinyKv.TodoException : TODO(1): seek an iterator"),
            Test("1", "RawApiTests.Scan_hangs", TestOutcome.TimedOut, "timed out after 10 s"),
            Test("1", "RawApiTests.Scan_crashes", TestOutcome.Crashed, "the test host crashed while this test ran"),
        ],
        ["the test host crashed while RawApiTests.Scan_crashes ran"],
        TimeSpan.FromSeconds(12));

    public static MilestoneRun AllPassing(string id) => new(
        Spec(id, points: 8),
        [Test(id, "ElectionTests.One", TestOutcome.Passed), Test(id, "ElectionTests.Two", TestOutcome.Passed)],
        [],
        TimeSpan.FromSeconds(3));

    /// <summary>A report with every outcome: passed, failed, not started, timed out, crashed; and a milestone not available yet.</summary>
    public static GradeReport Report() =>
        new("reference", Started, Started.AddSeconds(42), [Stage1(), AllPassing("2AA")], ["3C"], null);

    /// <summary>A report of a build that failed: the milestone gets one failed entry and no points.</summary>
    public static GradeReport BuildFailedReport()
    {
        const string errors = "project1-standalone/src/TinyKv.Standalone/RawApi.cs(12,9): error CS1002: ; expected";
        return new("student", Started, Started.AddSeconds(7), [BuildFailure.RunFor(Spec("1"), errors)], [], errors);
    }
}
