using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader.Cli;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary>The grader's command line with a fake host: what it parses, refuses, runs and exits with.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly Dictionary<string, string> _files = [];
    private readonly List<string> _rootsLoaded = [];
    private readonly FakeRunner _runner = FakeRunner.AllPassing();

    private IReadOnlyList<MilestoneSpec> _milestones =
        [SampleRuns.Spec("1"), SampleRuns.Spec("2AA", available: false), SampleRuns.Spec("2AB", available: false)];

    public void Dispose()
    {
        _out.Dispose();
        _error.Dispose();
    }

    [Fact]
    public void List_shows_every_milestone_and_whether_it_is_available()
    {
        var exit = Grader("list");

        exit.Should().Be(0);
        var lines = Lines();
        lines[0].Should().StartWith("id").And.Contain("title").And.Contain("stage").And.Contain("points").And.Contain("time limit");
        lines.Should().Contain(l => l.StartsWith("1 ", StringComparison.Ordinal) && l.EndsWith("  available", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("2AA ", StringComparison.Ordinal) && l.Contains("10 s per test") && l.EndsWith("not available yet", StringComparison.Ordinal));
        _runner.Built.Should().BeEmpty();
    }

    [Fact]
    public void No_milestones_grades_every_available_one()
    {
        var exit = Grader();

        exit.Should().Be(0);
        _runner.Ran.Should().Equal("1");
        Lines()[^1].Should().Be("2 passed, 0 failed");
    }

    [Fact]
    public void An_unavailable_milestone_asked_for_is_reported_and_not_counted()
    {
        var exit = Grader("1", "2AA");

        exit.Should().Be(0);
        _out.ToString().Should().Contain("2AA: not available yet");
        _runner.Ran.Should().Equal("1");
        Lines()[^1].Should().Be("2 passed, 0 failed");
    }

    [Fact]
    public void Only_unavailable_milestones_build_nothing_and_exit_1()
    {
        var exit = Grader("2aa");

        exit.Should().Be(1);
        _out.ToString().Should().Contain("2AA: not available yet");
        _runner.Built.Should().BeEmpty();
        Lines()[^1].Should().Be("0 passed, 0 failed");
    }

    [Fact]
    public void An_unknown_milestone_exits_2_and_names_the_valid_ones()
    {
        var exit = Grader("1", "9Z");

        exit.Should().Be(2);
        _error.ToString().Should().Contain("9Z").And.Contain("1, 2AA, 2AB");
        _runner.Built.Should().BeEmpty();
    }

    [Fact]
    public void A_failing_test_exits_1()
    {
        var runner = new FakeRunner(_ => SampleRuns.Stage1());

        var exit = Grader(runner, "1");

        exit.Should().Be(1);
        Lines()[^1].Should().Be("1 passed, 4 failed");
    }

    [Theory]
    [InlineData(new string[0], null, null)]
    [InlineData(new[] { "--edition", "reference" }, "Reference", null)]
    [InlineData(new[] { "--edition", "Student" }, "Student", null)]
    [InlineData(new[] { "--reference-through", "2ac" }, null, "2AC")]
    [InlineData(new[] { "--edition", "student", "--reference-through", "2B" }, "Student", "2B")]
    public void Edition_options_become_the_build_settings(string[] options, string? edition, string? through)
    {
        Grader(options);

        _runner.Built.Should().Equal(new BuildSettings(edition, through));
    }

    [Fact]
    public void Neither_edition_option_builds_the_tree_as_it_is()
    {
        Grader();

        _runner.Built.Should().ContainSingle().Which.Should().BeSameAs(BuildSettings.AsIs);
        _out.ToString().Should().Contain("building (as is)");
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error_naming_the_formats()
    {
        var exit = Grader("--format", "html");

        exit.Should().Be(2);
        _error.ToString().Should().Contain("'html'").And.Contain("table, json, gradescope or junit");
        _runner.Built.Should().BeEmpty();
    }

    [Fact]
    public void An_unknown_reference_through_milestone_is_a_usage_error_naming_the_milestones()
    {
        var exit = Grader("--reference-through", "5X");

        exit.Should().Be(2);
        _error.ToString().Should().Contain("'5X'").And.Contain(string.Join(", ", Milestones.All));
        _runner.Built.Should().BeEmpty();
    }

    [Fact]
    public void An_unknown_edition_is_a_usage_error()
    {
        var exit = Grader("--edition", "teacher");

        exit.Should().Be(2);
        _error.ToString().Should().Contain("'teacher'").And.Contain("reference or student");
    }

    [Fact]
    public void Help_names_every_format_and_the_default_in_the_words_the_option_takes()
    {
        var exit = Grader("--help");

        exit.Should().Be(0);
        _out.ToString().Should().Contain("--format <table|json|gradescope|junit>").And.Contain("(default: table)").And.NotContain("Table");
        _runner.Built.Should().BeEmpty();
    }

    [Theory]
    [InlineData("gradescope", "results.json")]
    [InlineData("json", "grader-results.json")]
    [InlineData("junit", "grader-results.xml")]
    public void Each_file_format_has_its_default_file_name(string format, string file)
    {
        Grader("--format", format);

        _files.Keys.Should().Equal(file);
    }

    [Fact]
    public void Out_names_the_results_file()
    {
        Grader("--format", "junit", "--out", "out/grades.xml");

        _files.Should().ContainKey("out/grades.xml").WhoseValue.Should().StartWith("<?xml");
    }

    [Fact]
    public void Root_chooses_the_repository_the_manifest_is_read_from()
    {
        var root = Path.Combine(Path.GetTempPath(), "some-course");

        Grader("list", "--root", root);

        _rootsLoaded.Should().Equal(Path.GetFullPath(root));
    }

    [Fact]
    public void Without_root_the_repository_is_found_from_the_current_folder()
    {
        Grader("list");

        _rootsLoaded.Should().Equal("/found/course");
    }

    [Fact]
    public void An_unreadable_manifest_exits_1_with_its_message()
    {
        _milestones = null!;

        var exit = Grader("list");

        exit.Should().Be(1);
        _error.ToString().Should().Contain("grader: manifest.json is broken");
    }

    [Fact]
    public void Seeds_runs_the_simulated_tests_under_seeds_1_to_n()
    {
        var runner = SimulatedRunner();

        var exit = Grader(runner, "--seeds", "3", "1");

        exit.Should().Be(0);
        runner.SeededRuns.Select(r => (r.Filter, r.Seed)).Should().Equal(
            ("Milestone=1&Simulated=true", "1"), ("Milestone=1&Simulated=true", "2"), ("Milestone=1&Simulated=true", "3"));
        runner.Ran.Should().BeEmpty("a seeded run does not grade");
        Lines()[^1].Should().Be("1 passed, 0 failed");
    }

    [Fact]
    public void Seed_base_moves_the_seeds_on()
    {
        var runner = SimulatedRunner();

        Grader(runner, "--seeds", "2", "--seed-base", "10");

        runner.SeededRuns.Select(r => r.Seed).Should().Equal("10", "11");
    }

    [Fact]
    public void A_flaky_test_under_seeds_exits_1()
    {
        var runner = SimulatedRunner((seed, _) => seed == 2 ? TestOutcome.Failed : TestOutcome.Passed);

        var exit = Grader(runner, "--seeds", "3");

        exit.Should().Be(1);
        _out.ToString().Should().Contain("flaky (fails with seed 2)");
        Lines()[^1].Should().Be("0 passed, 1 failed");
    }

    [Theory]
    [InlineData("--seeds", "0")]
    [InlineData("--seeds", "many")]
    [InlineData("--seed-base", "4")]
    [InlineData("--seeds", "2", "--format", "junit")]
    [InlineData("--seeds", "2", "9Z")]
    public void Wrong_seed_options_are_usage_errors(params string[] args)
    {
        var runner = SimulatedRunner();

        var exit = Grader(runner, args);

        exit.Should().Be(2);
        _error.ToString().Should().StartWith("grader: ");
        runner.SeededRuns.Should().BeEmpty();
    }

    [Fact]
    public void Replay_runs_the_named_test_under_the_seed_and_exits_with_its_outcome()
    {
        var runner = SimulatedRunner((seed, _) => seed == 7 ? TestOutcome.Failed : TestOutcome.Passed);

        var exit = Grader(runner, "replay", "Survives", "--seed", "7");

        exit.Should().Be(1);
        runner.SeededRuns.Should().ContainSingle().Which.Seed.Should().Be("7");
        Lines()[^1].Should().Be("0 passed, 1 failed");
    }

    [Fact]
    public void Replay_of_a_passing_seed_exits_0()
    {
        var exit = Grader(SimulatedRunner(), "replay", "SimTests.Survives_a_partition", "--seed", "8", "--edition", "reference");

        exit.Should().Be(0);
        Lines()[^1].Should().Be("1 passed, 0 failed");
    }

    [Fact]
    public void Replay_without_a_seed_is_a_usage_error()
    {
        var runner = SimulatedRunner();

        var exit = Grader(runner, "replay", "Survives");

        exit.Should().Be(2);
        _error.ToString().Should().Contain("--seed");
        runner.Built.Should().BeEmpty();
    }

    [Fact]
    public void Replay_of_a_name_no_test_has_is_a_usage_error()
    {
        var exit = Grader(SimulatedRunner(), "replay", "Nothing_like_it", "--seed", "1");

        exit.Should().Be(2);
        _error.ToString().Should().Contain("no simulated test matches 'Nothing_like_it'").And.Contain("SimTests.Survives_a_partition");
    }

    [Fact]
    public void Help_shows_the_seed_options_and_the_replay_command()
    {
        Grader("--help");

        _out.ToString().Should().Contain("--seeds <N>").And.Contain("--seed-base <B>").And.Contain("replay");
    }

    private static FakeRunner SimulatedRunner(Func<int, string, TestOutcome>? outcome = null) =>
        new(m => SampleRuns.AllPassing(m.Id) with { Milestone = m })
        {
            Simulated = new() { ["1"] = ["SimTests.Survives_a_partition"] },
            OutcomeUnder = outcome ?? ((_, _) => TestOutcome.Passed),
        };

    private int Grader(params string[] args) => Grader(_runner, args);

    private int Grader(FakeRunner runner, params string[] args)
    {
        var host = new GraderHost(
            _out,
            _error,
            new FixedTime(SampleRuns.Started),
            () => "/found/course",
            root =>
            {
                _rootsLoaded.Add(root);
                return _milestones ?? throw new ManifestException("manifest.json is broken");
            },
            _ => runner,
            () => new PlainProgress(_out),
            (path, text) => _files[path] = text);
        return GraderCommandLine.Run(args, host);
    }

    private string[] Lines() => _out.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n');
}
