using FluentAssertions;
using TinyKv.Course.Export;
using TinyKv.Course.Running;
using TinyKv.Grader.Reports;
using TinyKv.Grader.Submissions;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary>
/// Grading a submission in a copy of a tiny instructor's tree with a fake runner: which files reach
/// each build, in which edition, what is reported as ignored or missing, and how the stamp changes.
/// </summary>
public sealed class SubmissionGraderTests : IDisposable
{
    private readonly SubmissionTrees _trees = new();
    private readonly StringWriter _out = new();
    private readonly List<BuildSeen> _builds = [];
    private FakeRunner? _runner;

    public void Dispose()
    {
        _out.Dispose();
        _trees.Dispose();
    }

    [Fact]
    public void Isolated_grading_builds_each_milestone_on_the_reference_of_the_milestone_before_it()
    {
        Grade(StudentWorkbook());

        _builds.Select(b => (b.Milestone, b.Settings)).Should().Equal(
            ("1", new BuildSettings("Student", null)),
            ("2AA", new BuildSettings(null, "1")),
            ("2AB", new BuildSettings(null, "2AA")));
    }

    [Fact]
    public void Isolated_grading_takes_only_the_milestones_own_submitted_files_from_the_student()
    {
        Grade(StudentWorkbook());

        var build = _builds.Single(b => b.Milestone == "2AA");
        build.Files["src/B.cs"].Should().Contain("// student");
        build.Files["src/Raft.cs"].Should().Contain("// student");
        build.Files["src/A.cs"].Should().Contain("#if TINYKV_REF_1", "an earlier milestone's file is the instructor's reference");
        build.Files["src/C.cs"].Should().Contain("#if TINYKV_REF_2AB", "a later milestone's file is the instructor's");
    }

    [Fact]
    public void Cumulative_grading_builds_the_student_edition_with_every_submitted_file_up_to_the_milestone()
    {
        Grade(StudentWorkbook(), GradingMode.Cumulative);

        _builds.Select(b => b.Settings).Should().AllBeEquivalentTo(new BuildSettings("Student", null));
        var build = _builds.Single(b => b.Milestone == "2AA");
        build.Files["src/A.cs"].Should().Contain("// student");
        build.Files["src/B.cs"].Should().Contain("// student");
        build.Files["src/C.cs"].Should().Contain("#if TINYKV_REF_2AB");
    }

    [Fact]
    public void A_test_the_student_edited_stays_the_instructors_and_is_listed_as_ignored()
    {
        var workbook = StudentWorkbook();
        SubmissionTrees.Write(workbook, "tests/ATests.cs", "namespace Course.Tests;\n\n// every test passes now\n");
        SubmissionTrees.Write(workbook, "notes.txt", "my notes");

        var report = Grade(workbook);

        _builds.Should().OnlyContain(b => !b.Files["tests/ATests.cs"].Contains("every test passes", StringComparison.Ordinal));
        report.Submission!.Ignored.Should().Equal(new IgnoredFile("notes.txt", Added: true), new IgnoredFile("tests/ATests.cs", Added: false));
        TableReport.Render(report).Should().Contain("  changed  tests/ATests.cs");
    }

    [Fact]
    public void Line_endings_changed_by_a_windows_checkout_are_not_an_ignored_change()
    {
        var workbook = StudentWorkbook();
        var test = Path.Combine(workbook, "tests/ATests.cs");
        File.WriteAllText(test, File.ReadAllText(test).ReplaceLineEndings("\r\n"));

        Grade(workbook).Submission!.Ignored.Should().BeEmpty();
    }

    [Fact]
    public void A_submitted_file_left_out_is_reported_and_graded_as_the_instructors_file()
    {
        var workbook = StudentWorkbook();
        File.Delete(Path.Combine(workbook, "src/C.cs"));

        var report = Grade(workbook, milestones: "2AB");

        _builds.Single().Files["src/C.cs"].Should().Contain("#if TINYKV_REF_2AB");
        report.Runs.Single().Problems.Should().Contain("src/C.cs was not submitted: graded with the workbook's stub");
        TableReport.Render(report).Should().Contain("2AB: src/C.cs was not submitted");
    }

    [Fact]
    public void A_milestone_that_does_not_compile_scores_0_with_the_compiler_lines_while_the_others_run()
    {
        var workbook = StudentWorkbook();
        SubmissionTrees.Write(workbook, "src/B.cs", "this does not compile");

        var report = Grade(workbook);

        _runner!.Ran.Should().Equal("1", "2AB");
        report.Runs.Select(r => (r.Milestone.Id, r.Score)).Should().Equal(("1", 5), ("2AA", 0), ("2AB", 5));
        report.Submission!.CompileErrors.Should().ContainKey("2AA").WhoseValue.Should().Be("src/B.cs(3,1): error CS1002: ; expected");
        TableReport.Render(report).Should().Contain("2AA: the build failed:\n  src/B.cs(3,1): error CS1002");
    }

    [Fact]
    public void The_stamp_hash_changes_with_a_submitted_file_and_not_with_an_ignored_one()
    {
        var workbook = StudentWorkbook();
        var first = Grade(workbook, milestones: "1").Stamp!.SubmissionSha256;
        SubmissionTrees.Write(workbook, "tests/ATests.cs", "// edited");
        var afterIgnored = Grade(workbook, milestones: "1").Stamp!.SubmissionSha256;
        SubmissionTrees.Write(workbook, "src/A.cs", SubmissionTrees.Solved("A", " v2"));
        var afterSubmitted = Grade(workbook, milestones: "1").Stamp!.SubmissionSha256;

        first.Should().MatchRegex("^[0-9a-f]{64}$");
        afterIgnored.Should().Be(first);
        afterSubmitted.Should().NotBe(first);
    }

    [Fact]
    public void The_stamp_names_the_machine_the_time_and_a_tree_outside_git()
    {
        var stamp = Grade(StudentWorkbook(), milestones: "1").Stamp!;

        stamp.Machine.Should().Be("test machine");
        stamp.Time.Should().Be(SampleRuns.Started);
        stamp.Commit.Should().Be("no commit (not a git repository)");
        stamp.SeedsText.Should().Be("none");
    }

    [Fact]
    public void The_stamp_of_a_tree_outside_git_names_the_commit_its_tree_commit_file_records()
    {
        const string Commit = "0123456789abcdef0123456789abcdef01234567";
        TreeCommitFile.Write(_trees.Instructor, Commit, dirty: true);

        var stamp = Grade(StudentWorkbook(), milestones: "1").Stamp!;

        stamp.Commit.Should().Be($"{Commit} (dirty)");
    }

    [Fact]
    public void The_stamp_marks_a_grading_tree_with_uncommitted_changes_dirty()
    {
        SubmissionTrees.CommitAll(_trees.Instructor, "course");
        SubmissionTrees.Write(_trees.Instructor, "tests/ATests.cs", "// not committed");

        var stamp = Grade(StudentWorkbook(), milestones: "1").Stamp!;

        stamp.TreeDirty.Should().BeTrue();
        stamp.Commit.Should().MatchRegex("^[0-9a-f]{40} \\(dirty\\)$");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_zip_holding_the_workbook_at_its_root_or_in_one_top_folder_is_graded(bool inTopFolder)
    {
        var zip = _trees.Zip(StudentWorkbook(), inTopFolder);

        var report = Grade(zip, milestones: "1");

        report.Submission!.Source.Should().Be($"zip {zip}");
        _builds.Single().Files["src/A.cs"].Should().Contain("// student");
    }

    [Fact]
    public void A_zip_that_would_unpack_past_the_limits_is_refused_before_anything_is_written()
    {
        var zip = _trees.Zip(StudentWorkbook(), inTopFolder: false);
        var entries = SubmissionTreeFiles(zip);

        SubmissionSource.CheckSize(zip, new ZipLimits(MaxBytes: long.MaxValue, MaxEntries: entries));
        var tooMany = () => SubmissionSource.CheckSize(zip, new ZipLimits(MaxBytes: long.MaxValue, MaxEntries: entries - 1));
        var tooLarge = () => SubmissionSource.CheckSize(zip, new ZipLimits(MaxBytes: 10, MaxEntries: entries));
        var notAZip = () => SubmissionSource.CheckSize(Path.Combine(Path.GetDirectoryName(zip)!, "x.cs"), SubmissionSource.Limits);

        tooMany.Should().Throw<UsageException>().WithMessage($"{zip} holds {entries:N0} files, more than the {entries - 1:N0}*without bin, obj*");
        tooLarge.Should().Throw<UsageException>().WithMessage($"{zip} unpacks to * bytes, more than the 10 a submission may take*");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(zip)!, "x.cs"), "not a zip");
        notAZip.Should().Throw<UsageException>().WithMessage("*is not a readable zip*");
        SubmissionSource.Limits.MaxBytes.Should().BeGreaterThan(2L * 1024 * 1024 * 1024, "a workbook zipped with its build outputs still fits");
    }

    private static int SubmissionTreeFiles(string zip)
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(zip);
        return archive.Entries.Count;
    }

    [Fact]
    public void A_zip_without_a_workbook_is_a_usage_error()
    {
        var folder = Path.Combine(_trees.Root, "holiday");
        SubmissionTrees.Write(folder, "photo.txt", "sun");
        var zip = _trees.Zip(folder, inTopFolder: false);

        var act = () => Grade(zip);

        act.Should().Throw<UsageException>().WithMessage($"no workbook in {zip}*src/A.cs*");
    }

    [Fact]
    public void A_git_repository_is_graded_at_head_or_at_the_revision_asked_for()
    {
        var workbook = StudentWorkbook();
        var first = SubmissionTrees.CommitAll(workbook, "milestone 1");
        SubmissionTrees.Write(workbook, "src/A.cs", SubmissionTrees.Solved("A", " v2"));
        SubmissionTrees.CommitAll(workbook, "milestone 1, better");
        SubmissionTrees.Write(workbook, "src/A.cs", SubmissionTrees.Solved("A", " not committed"));

        Grade(workbook, milestones: "1");
        Grade(workbook, revision: first[..7], milestones: "1");

        _builds[0].Files["src/A.cs"].Should().Contain("// student v2", "HEAD is graded, not the uncommitted change");
        _builds[1].Files["src/A.cs"].Should().Contain("// student\n");
        _out.ToString().Should().Contain($"grading git repository {workbook} at {first[..12]}");
    }

    [Fact]
    public void A_git_bundle_is_graded_at_its_head()
    {
        var workbook = StudentWorkbook();
        SubmissionTrees.CommitAll(workbook, "milestone 1");

        var report = Grade(_trees.Bundle(workbook), milestones: "1");

        report.Submission!.Source.Should().StartWith("git bundle ");
        _builds.Single().Files["src/A.cs"].Should().Contain("// student");
    }

    [Fact]
    public void An_unknown_revision_is_a_usage_error()
    {
        var workbook = StudentWorkbook();
        SubmissionTrees.CommitAll(workbook, "milestone 1");

        var act = () => Grade(workbook, revision: "no-such-branch");

        act.Should().Throw<UsageException>().WithMessage("*has no revision 'no-such-branch'");
    }

    [Fact]
    public void A_revision_for_a_plain_folder_is_a_usage_error()
    {
        var act = () => Grade(StudentWorkbook(), revision: "HEAD");

        act.Should().Throw<UsageException>().WithMessage("--rev HEAD needs a git repository or bundle*");
    }

    [Fact]
    public void The_grading_folder_is_removed_afterwards_unless_kept()
    {
        var workbook = StudentWorkbook();

        Grade(workbook, milestones: "1");
        Directory.GetDirectories(_trees.Temp).Should().BeEmpty();

        Grade(workbook, keep: true, milestones: "1");
        var kept = Directory.GetDirectories(_trees.Temp).Should().ContainSingle().Subject;
        _out.ToString().Should().Contain($"kept the grading tree and its builds in {kept}");
    }

    [Fact]
    public void Hashes_depend_on_paths_and_contents_not_on_order()
    {
        var one = new Dictionary<string, byte[]> { ["a.cs"] = [1], ["b.cs"] = [2] };
        var reordered = new Dictionary<string, byte[]> { ["b.cs"] = [2], ["a.cs"] = [1] };
        var renamed = new Dictionary<string, byte[]> { ["a.cs"] = [1], ["c.cs"] = [2] };

        GradeStamp.HashOf(reordered).Should().Be(GradeStamp.HashOf(one));
        GradeStamp.HashOf(renamed).Should().NotBe(GradeStamp.HashOf(one));
    }

    /// <summary>The workbook with every milestone solved: each submitted file holds "student" code.</summary>
    private string StudentWorkbook()
    {
        var workbook = _trees.Workbook();
        foreach (var type in new[] { "A", "B", "Raft", "C" })
        {
            SubmissionTrees.Write(workbook, $"src/{type}.cs", SubmissionTrees.Solved(type));
        }

        return workbook;
    }

    [Fact]
    public void Stack_traces_name_the_workbooks_paths_not_the_grading_trees()
    {
        string? treeRoot = null;
        var environment = new SubmissionEnvironment(
            root =>
            {
                treeRoot = root;
                var trace = $"Expected 1, but found 2.\n   at Course.A.Value() in {Path.Combine(root, "src", "A.cs")}:line 5";
                return new FakeRunner(m => new MilestoneRun(m, [SampleRuns.Test(m.Id, "ATests.Value", TestOutcome.Failed, trace)], [], TimeSpan.Zero));
            },
            new FixedTime(SampleRuns.Started),
            () => new PlainProgress(TextWriter.Null))
        {
            ExportWorkbook = SubmissionTrees.Export,
            TempFolder = _trees.Temp,
            Machine = "test machine",
        };

        var report = new SubmissionGrader(_trees.Instructor, SubmissionTrees.Course, environment, _out)
            .Grade(new SubmissionRequest(StudentWorkbook(), null, ["1"], GradingMode.Isolate, ReportFormat.Table, null));

        var output = report.Runs.Single().Tests.Single().Output;
        output.Should().EndWith($"in {Path.Combine("src", "A.cs")}:line 5");
        output.Should().NotContain(treeRoot!);
    }

    private GradeReport Grade(string path, GradingMode mode = GradingMode.Isolate, string? revision = null, bool keep = false, params string[] milestones)
    {
        var environment = new SubmissionEnvironment(CreateRunner, new FixedTime(SampleRuns.Started), () => new PlainProgress(TextWriter.Null))
        {
            ExportWorkbook = SubmissionTrees.Export,
            TempFolder = _trees.Temp,
            Machine = "test machine",
        };
        var grader = new SubmissionGrader(_trees.Instructor, SubmissionTrees.Course, environment, _out);
        return grader.Grade(new SubmissionRequest(path, revision, milestones, mode, ReportFormat.Table, null, keep));
    }

    /// <summary>A runner for the grading tree at <paramref name="root"/> that records each build's files and fails a build holding "does not compile".</summary>
    private FakeRunner CreateRunner(string root)
    {
        _runner = new FakeRunner(m => SampleRuns.AllPassing(m.Id) with { Milestone = m })
        {
            BuildsWhen = (milestones, settings) =>
            {
                var files = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
                    .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText);
                _builds.Add(new BuildSeen(milestones.Single().Id, settings, files));
                return !files.Values.Any(text => text.Contains("does not compile", StringComparison.Ordinal));
            },
            FailedBuildError = Path.Combine(root, "src", "B.cs") + "(3,1): error CS1002: ; expected",
        };
        return _runner;
    }

    private sealed record BuildSeen(string Milestone, BuildSettings Settings, Dictionary<string, string> Files);
}
