using FluentAssertions;
using TinyKv.Course.Running;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary>What the grader keeps of a failed build's output, and how a failed build is scored.</summary>
public sealed class BuildFailureTests
{
    [Fact]
    public void Error_lines_are_kept_once_each_and_the_rest_dropped()
    {
        const string output = """
              Determining projects to restore...
            /repo/src/A.cs(3,1): error CS1002: ; expected [/repo/src/A.csproj]
            /repo/src/A.cs(4,2): warning CS0168: unused [/repo/src/A.csproj]

            Build FAILED.

            /repo/src/A.cs(3,1): error CS1002: ; expected [/repo/src/A.csproj]
                1 Warning(s)
                1 Error(s)
            """;

        BuildFailure.ErrorLines(output).Should().Be("/repo/src/A.cs(3,1): error CS1002: ; expected [/repo/src/A.csproj]");
    }

    [Fact]
    public void Msbuild_errors_without_a_file_are_kept()
    {
        BuildFailure.ErrorLines("MSBUILD : error MSB1009: Project file does not exist.\r\n")
            .Should().Be("MSBUILD : error MSB1009: Project file does not exist.");
    }

    [Fact]
    public void Output_without_error_lines_keeps_its_last_lines()
    {
        var output = string.Join('\n', Enumerable.Range(1, 40).Select(i => $"line {i}"));

        var kept = BuildFailure.ErrorLines(output).Split('\n');

        kept.Should().HaveCount(30);
        kept[^1].Should().Be("line 40");
    }

    [Fact]
    public void A_failed_build_gives_its_milestone_one_failed_entry_and_no_points()
    {
        var run = BuildFailure.RunFor(SampleRuns.Spec("1"), "A.cs(3,1): error CS1002: ; expected");

        run.Tests.Should().ContainSingle().Which.Outcome.Should().Be(TestOutcome.Failed);
        run.Tests[0].Output.Should().Contain("error CS1002");
        run.Score.Should().Be(0);
        run.Problems.Should().Equal("the build failed");
    }
}
