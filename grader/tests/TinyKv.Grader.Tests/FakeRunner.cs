using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader.Tests;

/// <summary>A test runner that builds nothing and runs nothing: it records what it was asked and answers with <c>run</c>.</summary>
internal sealed class FakeRunner(Func<MilestoneSpec, MilestoneRun> run) : ITestRunner
{
    public const string BuildErrorLine = "src/Program.cs(3,1): error CS1002: ; expected [src/App.csproj]";

    public bool BuildSucceeds { get; init; } = true;

    public List<BuildSettings> Built { get; } = [];

    public List<string> Ran { get; } = [];

    /// <summary>A runner whose every test passes.</summary>
    public static FakeRunner AllPassing() => new(m => SampleRuns.AllPassing(m.Id) with { Milestone = m });

    public BuildOutcome Build(IReadOnlyList<MilestoneSpec> milestones, BuildSettings settings)
    {
        Built.Add(settings);
        var output = BuildSucceeds ? "" : $"  restoring…\n{BuildErrorLine}\n\nBuild FAILED.\n\n{BuildErrorLine}\n    0 Warning(s)\n    1 Error(s)\n";
        return new BuildOutcome(BuildSucceeds, output, TimeSpan.FromSeconds(1));
    }

    public MilestoneRun Run(MilestoneSpec milestone, BuildSettings settings, IProgress<TestProgress>? progress = null)
    {
        Ran.Add(milestone.Id);
        progress?.Report(new TestProgress(milestone.Id, 1, 2, null));
        return run(milestone);
    }
}
