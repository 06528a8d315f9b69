using FluentAssertions;
using TinyKv.Course.Cli;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.TestKit;
using Xunit;
using static TinyKv.Course.Running.TestOutcome;

namespace TinyKv.Course.Tests;

public sealed class CourseCommandLineTests : IDisposable
{
    private static readonly string s_root = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);
    private readonly TempDirectory _elsewhere = new("tinykv-cli");
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private FakeRunner _runner = new();

    public void Dispose()
    {
        _elsewhere.Dispose();
        _out.Dispose();
        _error.Dispose();
    }

    [Fact]
    public void Verify_prints_each_milestone_and_the_closing_count()
    {
        _runner = new FakeRunner()
            .Returns("1", new BuildSettings("Student", null), NotStarted, NotStarted)
            .Returns("1", new BuildSettings("Reference", null), Passed, Passed);

        var exit = Run("verify", "1", "--root", s_root);

        exit.Should().Be(ExitCodes.Success);
        _out.ToString().Should().Contain("1  stubs: 0/2 passed (2 not started)  done: 0/0 passed  reference: 2/2 passed  ok")
            .And.EndWith($"1 passed, 0 failed{Environment.NewLine}");
    }

    [Fact]
    public void Verify_with_a_defect_lists_it_and_fails()
    {
        _runner = new FakeRunner()
            .Returns("1", new BuildSettings("Student", null), Passed)
            .Returns("1", new BuildSettings("Reference", null), Passed);

        var exit = Run("verify", "1", "--root", s_root);

        exit.Should().Be(ExitCodes.Failure);
        _out.ToString().Should().Contain("- Tests.T0 passes on its own stubs").And.Contain("0 passed, 1 failed");
    }

    [Theory]
    [InlineData("9Z", "'9Z' is not a milestone; use one of 1, 2AA")]
    [InlineData("3C", "milestone 3C is not available yet; available: 1, 2AA, 2AB, 2AC, 2B, 2C, 3A, 3B, 4A, 4B, 4C")]
    public void Verify_of_a_milestone_that_cannot_be_checked_is_a_usage_error(string milestone, string message)
    {
        // Every milestone of the course is available: the check runs on a copy with 3C withdrawn.
        using var root = new UnavailableMilestoneRoot(s_root, "3C");

        var exit = Run("verify", milestone, "--root", root.Path);

        exit.Should().Be(ExitCodes.Usage);
        _error.ToString().Should().StartWith($"tinykv-course: {message}");
        _error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle();
        _runner.Calls.Should().BeEmpty();
    }

    [Fact]
    public void Outside_a_course_repository_without_root_is_a_usage_error()
    {
        var exit = Run("manifest");

        exit.Should().Be(ExitCodes.Usage);
        _error.ToString().Should().StartWith("tinykv-course: no course/manifest.json in").And.Contain("--root");
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error()
    {
        var exit = Run("manifest", "--bogus");

        exit.Should().Be(ExitCodes.Usage);
        _error.ToString().Should().Contain("--bogus");
    }

    [Fact]
    public void A_root_without_a_manifest_is_a_failure_in_one_line()
    {
        var exit = Run("manifest", "--root", _elsewhere.Path);

        exit.Should().Be(ExitCodes.Failure);
        _error.ToString().Trim().Should().StartWith("tinykv-course: ").And.Contain("no course manifest here").And.NotContain("   at ");
    }

    [Fact]
    public void Manifest_prints_one_row_per_milestone_and_the_total()
    {
        var exit = Run("manifest", "--root", s_root);

        exit.Should().Be(ExitCodes.Success);
        var lines = _out.ToString().Split(Environment.NewLine);
        lines[0].Should().Be("TinyKV for .NET");
        lines.Should().Contain(l => l.StartsWith("1  ", StringComparison.Ordinal) && l.Contains("Standalone KV") && l.Contains("10 s") && l.EndsWith("yes", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("3C  ", StringComparison.Ordinal) && l.EndsWith("yes", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("4C  ", StringComparison.Ordinal) && l.EndsWith("yes", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains("total") && l.TrimEnd().EndsWith("100", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--no-build")]
    [InlineData("--no-build-check")]
    public void Export_without_the_build_check_writes_the_workbook_and_builds_nothing(string option)
    {
        var destination = Path.Combine(_elsewhere.Path, "workbook");

        var exit = Run("export", destination, option, "--root", s_root);

        exit.Should().Be(ExitCodes.Success, _error.ToString());
        File.Exists(Path.Combine(destination, CourseManifest.RelativePath)).Should().BeTrue();
        _out.ToString().Should().StartWith("exported ").And.NotContain("building the workbook");
    }

    private int Run(params string[] args) =>
        CourseCommandLine.Run(args, new CourseConsole(_out, _error, _elsewhere.Path, _ => _runner));
}
