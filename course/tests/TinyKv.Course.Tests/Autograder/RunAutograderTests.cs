using System.Text.Json;
using FluentAssertions;
using TinyKv.Course.Autograder;
using TinyKv.Course.Running;
using Xunit;

namespace TinyKv.Course.Tests.Autograder;

/// <summary>
/// The bundle's <c>run_autograder</c>, run with bash on a fake <c>/autograder</c> layout in a temp
/// folder (AUTOGRADER_ROOT) with a small script in place of the grader (TINYKV_AUTOGRADER_GRADER).
/// </summary>
public sealed class RunAutograderTests : IDisposable
{
    private readonly SampleCourseRepository _repository = new();

    public void Dispose() => _repository.Dispose();

    [Fact]
    public void The_grader_gets_the_submission_the_tree_the_milestones_and_the_visibility_and_its_results_land_in_results()
    {
        var layout = _repository.Layout(new AutograderSettings(TestVisibility.Parse(["visible"]), ["1", "2AA"]));
        var grader = FakeGrader("""printf '{"score": 5}' > "$out" """);

        RunAutograder(layout, grader);

        File.ReadAllText(Path.Combine(layout, "results", "results.json")).Should().Be("""{"score": 5}""");
        File.ReadAllLines(ArgumentsFile(grader)).Should().Equal(
            "submission",
            Path.Combine(layout, "submission"),
            "1",
            "2AA",
            "--root",
            Path.Combine(layout, "source", "tree"),
            "--format",
            "gradescope",
            "--visibility",
            "visible",
            "--out",
            Path.Combine(layout, "results", "results.json"));
    }

    [Fact]
    public void The_environment_wins_over_the_bundle_settings()
    {
        var layout = _repository.Layout(new AutograderSettings(TestVisibility.Parse(["visible"]), ["1", "2AA"]));
        var grader = FakeGrader("""printf '{}' > "$out" """);

        RunAutograder(layout, grader, ("TINYKV_AUTOGRADER_MILESTONES", "2AB,2AC"), ("TINYKV_AUTOGRADER_VISIBILITY", "hidden"));

        var arguments = File.ReadAllLines(ArgumentsFile(grader));
        arguments[2..4].Should().Equal("2AB", "2AC");
        arguments.SkipWhile(a => a != "--visibility").Skip(1).First().Should().Be("hidden");
    }

    [Fact]
    public void A_grader_that_fails_outright_still_leaves_results_with_score_0_and_why()
    {
        var layout = _repository.Layout(new AutograderSettings(TestVisibility.Parse(["after_published"]), []));
        var grader = FakeGrader("""
            echo 'the build server said "no" in C:\temp'
            printf 'a\ttab\n'
            exit 3
            """);

        var run = RunAutograder(layout, grader);

        run.ExitCode.Should().Be(0);
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "results", "results.json")));
        results.RootElement.GetProperty("score").GetDouble().Should().Be(0);
        results.RootElement.GetProperty("visibility").GetString().Should().Be("after_published");
        results.RootElement.GetProperty("tests").GetArrayLength().Should().Be(0);
        results.RootElement.GetProperty("output").GetString().Should()
            .Contain("the grader exited with code 3").And
            .Contain("the build server said \"no\" in C:\\temp\na\ttab");
    }

    [Fact]
    public void Each_visibility_value_goes_to_the_grader_and_the_results_of_a_failed_grader_carry_every_tests()
    {
        var layout = _repository.Layout(new AutograderSettings(TestVisibility.Parse(["visible", "2AA=hidden"]), []));
        var grader = FakeGrader("exit 3");

        RunAutograder(layout, grader);

        var arguments = File.ReadAllLines(ArgumentsFile(grader));
        string.Join(' ', arguments).Should().Contain("--format gradescope --visibility visible --visibility 2AA=hidden --out");
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "results", "results.json")));
        results.RootElement.GetProperty("visibility").GetString().Should().Be("visible");
    }

    [Fact]
    public void A_grader_that_exits_without_writing_its_results_leaves_score_0()
    {
        var layout = _repository.Layout(new AutograderSettings(TestVisibility.Parse(["after_published"]), []));
        var grader = FakeGrader("echo 'no submission at the path given'; exit 1");

        RunAutograder(layout, grader);

        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "results", "results.json")));
        results.RootElement.GetProperty("score").GetDouble().Should().Be(0);
        results.RootElement.GetProperty("output").GetString().Should().Contain("exited with code 1").And.Contain("no submission at the path given");
    }

    /// <summary>A bash script that records its arguments one a line, finds its --out, then runs <paramref name="body"/>.</summary>
    private string FakeGrader(string body)
    {
        var script = _repository.Beside("fake-grader");
        File.WriteAllText(script, $$"""
            #!/usr/bin/env bash
            printf '%s\n' "$@" > "$0.args"
            out=""
            while [[ $# -gt 0 ]]; do
              if [[ $1 == --out ]]; then out=$2; fi
              shift
            done
            {{body}}

            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return script;
    }

    private static string ArgumentsFile(string grader) => grader + ".args";

    private static ChildProcessResult RunAutograder(string layout, string grader, params (string Name, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["AUTOGRADER_ROOT"] = layout,
            ["TINYKV_AUTOGRADER_GRADER"] = grader,
            ["TINYKV_AUTOGRADER_MILESTONES"] = "",
            ["TINYKV_AUTOGRADER_VISIBILITY"] = "",
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return ChildProcess.Run("bash", [Path.Combine(layout, "source", "run_autograder")], layout, TimeSpan.FromMinutes(1), environment: environment);
    }
}
