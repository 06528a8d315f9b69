using System.Text.Json;
using FluentAssertions;
using TinyKv.Course.Running;
using TinyKv.Grader.Cli;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary><c>grader submission</c> through the command line, with a fake runner on a tiny course.</summary>
public sealed class SubmissionCommandLineTests : IDisposable
{
    private readonly SubmissionTrees _trees = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly Dictionary<string, string> _files = [];
    private FakeRunner _runner = FakeRunner.AllPassing();

    public void Dispose()
    {
        _out.Dispose();
        _error.Dispose();
        _trees.Dispose();
    }

    [Fact]
    public void A_workbook_is_graded_and_its_results_file_carries_the_submission_and_the_stamp()
    {
        var exit = Grader("submission", _trees.Workbook(), "1", "--format", "json", "--out", "alice.json");

        exit.Should().Be(0);
        _runner.Built.Should().Equal(new BuildSettings("Student", null));
        using var json = JsonDocument.Parse(_files["alice.json"]);
        json.RootElement.GetProperty("submission").GetProperty("mode").GetString().Should().Be("isolate");
        json.RootElement.GetProperty("stamp").GetProperty("machine").GetString().Should().Be("test machine");
        Lines()[^1].Should().Be("2 passed, 0 failed");
    }

    [Fact]
    public void Cumulative_grading_builds_every_milestone_as_the_student_edition()
    {
        Grader("submission", _trees.Workbook(), "--cumulative");

        _runner.Built.Should().HaveCount(3).And.OnlyContain(s => s == new BuildSettings("Student", null));
    }

    [Fact]
    public void Under_seeds_a_simulated_test_that_fails_with_one_seed_scores_nothing_and_names_the_seed()
    {
        _runner = new FakeRunner(m => SampleRuns.AllPassing(m.Id) with { Milestone = m })
        {
            Simulated = new() { ["1"] = ["ElectionTests.One", "ElectionTests.Two"] },
            OutcomeUnder = (seed, name) => seed == 12 && name == "ElectionTests.One" ? TestOutcome.Failed : TestOutcome.Passed,
        };

        var exit = Grader("submission", _trees.Workbook(), "1", "--seeds", "3", "--seed-base", "11", "--format", "json", "--out", "r.json");

        exit.Should().Be(1);
        _runner.SeededRuns.Select(r => r.Seed).Should().Equal("11", "12", "13");
        using var json = JsonDocument.Parse(_files["r.json"]);
        var tests = json.RootElement.GetProperty("milestones")[0].GetProperty("tests").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        tests["ElectionTests.One"].GetProperty("outcome").GetString().Should().Be("Failed");
        tests["ElectionTests.One"].GetProperty("output").GetString().Should().StartWith("passed with its own seed but failed with seed 12 (replay: grader replay ElectionTests.One --seed 12)");
        tests["ElectionTests.Two"].GetProperty("outcome").GetString().Should().Be("Passed");
        json.RootElement.GetProperty("stamp").GetProperty("seeds").GetString().Should().Contain("11").And.Contain("13");
    }

    [Fact]
    public void A_seed_base_without_seeds_exits_2()
    {
        var exit = Grader("submission", _trees.Workbook(), "--seed-base", "5");

        exit.Should().Be(2);
        _error.ToString().Should().Contain("--seed-base goes with --seeds N");
    }

    [Fact]
    public void The_gradescope_results_carry_the_visibility_asked_for()
    {
        Grader("submission", _trees.Workbook(), "1", "--format", "gradescope", "--out", "results.json", "--visibility", "visible");

        using var json = JsonDocument.Parse(_files["results.json"]);
        json.RootElement.GetProperty("visibility").GetString().Should().Be("visible");
    }

    [Fact]
    public void A_milestone_given_its_own_visibility_keeps_it_and_the_others_take_every_tests()
    {
        Grader("submission", _trees.Workbook(), "1", "--format", "gradescope", "--out", "results.json", "--visibility", "1=hidden", "--visibility", "visible");

        using var json = JsonDocument.Parse(_files["results.json"]);
        json.RootElement.GetProperty("visibility").GetString().Should().Be("visible");
        json.RootElement.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("visibility").GetString()).Should().NotBeEmpty().And.OnlyContain(v => v == "hidden");
    }

    [Fact]
    public void A_visibility_for_a_milestone_the_course_has_not_exits_2_and_names_the_milestones()
    {
        var exit = Grader("submission", _trees.Workbook(), "--format", "gradescope", "--visibility", "9z=visible");

        exit.Should().Be(2);
        _error.ToString().Should().Contain("'9z' in visibility '9z=visible' is not a milestone; use one of 1");
        _runner.Built.Should().BeEmpty();
    }

    [Fact]
    public void An_unknown_visibility_exits_2_and_names_the_choices()
    {
        var exit = Grader("submission", _trees.Workbook(), "--format", "gradescope", "--visibility", "later");

        exit.Should().Be(2);
        _error.ToString().Should().Contain("unknown visibility 'later'; use after_published, visible, after_due_date, hidden");
        _runner.Built.Should().BeEmpty();
    }

    [Fact]
    public void A_missing_path_exits_2_and_says_so()
    {
        var missing = Path.Combine(_trees.Root, "nobody.zip");

        var exit = Grader("submission", missing);

        exit.Should().Be(2);
        _error.ToString().Should().Contain($"no submission at {missing}");
        _runner.Built.Should().BeEmpty();
    }

    [Fact]
    public void Isolate_and_cumulative_together_exit_2()
    {
        var exit = Grader("submission", _trees.Workbook(), "--isolate", "--cumulative");

        exit.Should().Be(2);
        _error.ToString().Should().Contain("--isolate and --cumulative exclude each other");
    }

    [Fact]
    public void An_unknown_milestone_exits_2_before_anything_is_copied()
    {
        var exit = Grader("submission", _trees.Workbook(), "9Z");

        exit.Should().Be(2);
        _error.ToString().Should().Contain("unknown milestone 9Z");
        Directory.GetDirectories(_trees.Temp).Should().BeEmpty();
    }

    private int Grader(params string[] args) =>
        GraderCommandLine.Run(args, _trees.Host(_out, _error, () => _runner, _files));

    private string[] Lines() => _out.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n');
}
