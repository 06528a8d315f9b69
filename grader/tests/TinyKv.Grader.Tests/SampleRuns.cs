using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader.Submissions;

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

    /// <summary>
    /// A graded submission: milestone 1 ran (with a file not submitted), 2AA did not compile; a test
    /// was edited and a file added outside the submitted files; stamped.
    /// </summary>
    public static GradeReport SubmissionReport()
    {
        const string errors = "project2-raft/src/TinyKv.Raft/Raft.cs(40,5): error CS0103: The name 'term' does not exist in the current context";
        var stage1 = Stage1() with { Problems = ["project1-standalone/src/TinyKv.Standalone/RawApi.cs was not submitted: graded with the workbook's stub"] };
        var notes = new SubmissionNotes(
            "zip /submissions/alice.zip",
            GradingMode.Isolate,
            [new IgnoredFile("notes.txt", Added: true), new IgnoredFile("project1-standalone/tests/TinyKv.Standalone.Tests/RawApiTests.cs", Added: false)],
            new Dictionary<string, string> { ["2AA"] = errors });
        var stamp = new GradeStamp(new string('a', 64), "0123456789abcdef0123456789abcdef01234567", TreeDirty: true, "Debian GNU/Linux 12 (bookworm) X64, 2 cores, .NET 10.0.12", Started, []);
        return new GradeReport("submission, isolate", Started, Started.AddSeconds(42), [stage1, BuildFailure.RunFor(Spec("2AA", points: 8), errors)], [], null)
        {
            Stamp = stamp,
            Submission = notes,
        };
    }

    /// <summary>A report of a build that failed: the milestone gets one failed entry and no points.</summary>
    public static GradeReport BuildFailedReport()
    {
        const string errors = "project1-standalone/src/TinyKv.Standalone/RawApi.cs(12,9): error CS1002: ; expected";
        return new("student", Started, Started.AddSeconds(7), [BuildFailure.RunFor(Spec("1"), errors)], [], errors);
    }
}
