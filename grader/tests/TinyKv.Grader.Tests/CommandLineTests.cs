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
