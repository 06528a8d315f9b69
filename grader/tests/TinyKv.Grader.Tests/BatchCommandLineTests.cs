using System.Text.Json;
using FluentAssertions;
using TinyKv.Grader.Cli;
using TinyKv.Grader.Submissions;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary><c>grader batch DIR</c> on a tiny course with a fake runner: a gradebook line, a results file and a log per student.</summary>
public sealed class BatchCommandLineTests : IDisposable
{
    private readonly SubmissionTrees _trees = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly Dictionary<string, string> _files = [];
    private readonly string _inbox;
    private FakeRunner _runner = FakeRunner.AllPassing();

    public BatchCommandLineTests()
    {
        _inbox = Path.Combine(_trees.Root, "inbox");
        Directory.CreateDirectory(_inbox);
    }

    public void Dispose()
    {
        _out.Dispose();
        _error.Dispose();
        _trees.Dispose();
    }

    [Fact]
    public void Every_submission_gets_a_gradebook_line_a_results_file_and_a_log()
    {
        Directory.Move(_trees.Workbook("alice"), Path.Combine(_inbox, "alice"));
        var bob = _trees.Workbook("bob");
        File.Move(_trees.Zip(bob, inTopFolder: true), Path.Combine(_inbox, "bob.zip"));
        File.WriteAllText(Path.Combine(_inbox, "README.txt"), "not a submission");

        var exit = Grader("batch", _inbox, "1", "2AA");

        exit.Should().Be(0);
        var grades = _inbox + "-grades";
        Gradebook(grades).Should().Equal(
            "student,1,2AA,total,max,note",
            "alice,5,5,10,10,",
            "bob,5,5,10,10,");
        using (var alice = JsonDocument.Parse(_files[Path.Combine(grades, "alice.json")]))
        {
            alice.RootElement.GetProperty("submission").GetProperty("source").GetString().Should().Contain("alice");
        }

        _files[Path.Combine(grades, "bob.log")].Should().Contain("building");
        _out.ToString().Should().Contain("[1/2] alice: 10/10, 4 passed, 0 failed").And.Contain("[2/2] bob: 10/10");
    }

    [Fact]
    public void A_submission_that_cannot_be_graded_costs_only_its_own_line()
    {
        Directory.Move(_trees.Workbook("alice"), Path.Combine(_inbox, "alice"));
        File.WriteAllText(Path.Combine(_inbox, "carol.zip"), "this is not a zip");
        Directory.CreateDirectory(Path.Combine(_inbox, "dave"));
        File.WriteAllText(Path.Combine(_inbox, "dave", "notes.txt"), "no workbook here");

        var exit = Grader("batch", _inbox, "1");

        exit.Should().Be(1, "two submissions could not be graded");
        var lines = Gradebook(_inbox + "-grades");
        lines[1].Should().Be("alice,5,5,5,");
        lines[2].Should().StartWith("carol,,,5,").And.Contain("not graded: ");
        lines[3].Should().StartWith("dave,,,5,").And.Contain("not graded");
        _files.Should().ContainKey(Path.Combine(_inbox + "-grades", "carol.log"));
    }

    [Fact]
    public void A_milestone_that_does_not_compile_scores_zero_and_the_gradebook_says_which()
    {
        var alice = Path.Combine(_inbox, "alice");
        Directory.Move(_trees.Workbook("alice"), alice);
        _runner = new FakeRunner(m => SampleRuns.AllPassing(m.Id) with { Milestone = m }) { BuildsWhen = (milestones, _) => milestones.All(m => m.Id != "2AA") };

        Grader("batch", _inbox, "1", "2AA", "--out-dir", Path.Combine(_trees.Root, "grades"));

        Gradebook(Path.Combine(_trees.Root, "grades"))[1].Should().Be("alice,5,0,5,10,did not compile: 2AA");
    }

    [Fact]
    public void A_folder_without_submissions_or_with_two_of_one_student_exits_2()
    {
        Grader("batch", _inbox).Should().Be(2);
        _error.ToString().Should().Contain("no submissions in");

        Directory.CreateDirectory(Path.Combine(_inbox, "alice"));
        File.WriteAllText(Path.Combine(_inbox, "alice.zip"), "");
        Grader("batch", _inbox).Should().Be(2);
        _error.ToString().Should().Contain("two submissions of 'alice'");
        _runner.Built.Should().BeEmpty();
    }

    [Fact]
    public void Results_files_take_the_format_asked_for()
    {
        Directory.Move(_trees.Workbook("alice"), Path.Combine(_inbox, "alice"));

        Grader("batch", _inbox, "1", "--format", "junit");

        _files[Path.Combine(_inbox + "-grades", "alice.xml")].Should().StartWith("<?xml");
    }

    [Fact]
    public void Gradescope_results_files_carry_the_visibility_asked_for()
    {
        Directory.Move(_trees.Workbook("alice"), Path.Combine(_inbox, "alice"));

        Grader("batch", _inbox, "1", "2AA", "--format", "gradescope", "--visibility", "visible", "--visibility", "2aa=hidden");

        using var json = JsonDocument.Parse(_files[Path.Combine(_inbox + "-grades", "alice.json")]);
        json.RootElement.GetProperty("visibility").GetString().Should().Be("visible");
        json.RootElement.GetProperty("tests").EnumerateArray()
            .Select(t => (t.GetProperty("tags")[0].GetString(), t.GetProperty("visibility").GetString()))
            .Distinct()
            .Should().Equal(("1", "visible"), ("2AA", "hidden"));
    }

    [Fact]
    public void The_workbook_is_exported_once_for_the_batch_and_each_student_still_sees_their_ignored_changes()
    {
        Directory.Move(_trees.Workbook("alice"), Path.Combine(_inbox, "alice"));
        var bob = _trees.Workbook("bob");
        File.WriteAllText(Path.Combine(bob, "notes.txt"), "bob's notes");
        Directory.Move(bob, Path.Combine(_inbox, "bob"));
        var carol = _trees.Workbook("carol");
        Directory.Move(carol, Path.Combine(_inbox, "carol"));
        var exports = 0;
        var host = _trees.Host(_out, _error, () => _runner, _files);
        host = host with
        {
            Submissions = host.Submissions! with
            {
                ExportWorkbook = (source, destination) =>
                {
                    exports++;
                    SubmissionTrees.Export(source, destination);
                },
            },
        };

        var exit = GraderCommandLine.Run(["batch", _inbox, "1", "--format", "json"], host);

        exit.Should().Be(0);
        exports.Should().Be(1);
        var grades = _inbox + "-grades";
        IgnoredOf(_files[Path.Combine(grades, "alice.json")]).Should().BeEmpty();
        IgnoredOf(_files[Path.Combine(grades, "bob.json")]).Should().Equal("notes.txt");
        IgnoredOf(_files[Path.Combine(grades, "carol.json")]).Should().BeEmpty();
        Directory.GetDirectories(_trees.Temp, "tinykv-batch-workbook-*").Should().BeEmpty("the batch's export is removed when it ends");
    }

    private static List<string> IgnoredOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("submission").GetProperty("ignored").EnumerateArray().Select(e => e.GetProperty("path").GetString()!)];
    }

    private string[] Gradebook(string folder) =>
        _files[Path.Combine(folder, BatchGrader.GradebookFile)].TrimEnd('\n').Split('\n');

    private int Grader(params string[] args) =>
        GraderCommandLine.Run(args, _trees.Host(_out, _error, () => _runner, _files));
}
