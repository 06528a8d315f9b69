using System.IO.Compression;
using FluentAssertions;
using TinyKv.Course.Autograder;
using TinyKv.Course.Cli;
using TinyKv.Course.Export;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Course.Tests.Autograder;

/// <summary>What <c>tinykv-course autograder</c> puts in the Gradescope bundle.</summary>
public sealed class AutograderBundleTests : IDisposable
{
    private static readonly AutograderSettings s_defaults = new(TestVisibility.AfterPublished, []);
    private readonly SampleCourseRepository _repository = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        _repository.Dispose();
        _out.Dispose();
        _error.Dispose();
    }

    [Fact]
    public void The_bundle_holds_the_scripts_the_settings_and_the_tree_without_build_output()
    {
        using var zip = ZipFile.OpenRead(_repository.Bundle(s_defaults));

        zip.Entries.Select(e => e.FullName).Should().Equal(
            ["setup.sh", "run_autograder", "autograder.env", .. _repository.Committed.Select(f => "tree/" + f), $"tree/{TreeCommitFile.FileName}"]);
        _repository.Committed.Should().Contain(["src/A.cs", "course/autograder/run_autograder", "course/manifest.json"]);
    }

    [Fact]
    public void The_scripts_are_executable_in_the_zip_and_the_settings_are_not()
    {
        using var zip = ZipFile.OpenRead(_repository.Bundle(s_defaults));

        ModeOf(zip, "setup.sh").Should().Be(Convert.ToInt32("100755", 8));
        ModeOf(zip, "run_autograder").Should().Be(Convert.ToInt32("100755", 8));
        ModeOf(zip, "autograder.env").Should().Be(Convert.ToInt32("100644", 8));
    }

    [Fact]
    public void The_tree_names_the_commit_it_was_built_from()
    {
        using var zip = ZipFile.OpenRead(_repository.Bundle(s_defaults));

        Read(zip, $"tree/{TreeCommitFile.FileName}").Should().Be(_repository.Head + "\n");
    }

    [Fact]
    public void A_new_file_git_does_not_ignore_comes_along_and_marks_the_commit_dirty()
    {
        _repository.Write("src/New.cs", "namespace Course;\n");

        using var zip = ZipFile.OpenRead(_repository.Bundle(s_defaults));

        zip.GetEntry("tree/src/New.cs").Should().NotBeNull();
        Read(zip, $"tree/{TreeCommitFile.FileName}").Should().Be(_repository.Head + " dirty\n");
    }

    [Fact]
    public void The_scripts_keep_unix_line_endings_when_the_checkout_gave_them_crlf()
    {
        _repository.Write("course/autograder/run_autograder", "#!/usr/bin/env bash\r\necho graded\r\n");

        using var zip = ZipFile.OpenRead(_repository.Bundle(s_defaults));

        Read(zip, "run_autograder").Should().Be("#!/usr/bin/env bash\necho graded\n");
    }

    [Fact]
    public void A_folder_outside_git_is_refused_because_its_grades_would_name_no_commit()
    {
        using var plain = new TempDirectory("tinykv-not-git");

        var act = () => AutograderBundle.Write(plain.Path, plain.Combine("autograder.zip"), s_defaults);

        act.Should().Throw<UsageException>().WithMessage("*is not a git work tree with a commit*");
    }

    [Fact]
    public void The_command_writes_the_chosen_visibility_and_milestones_into_the_settings()
    {
        var zipPath = _repository.Beside("chosen.zip");

        var exit = Run("autograder", "--root", _repository.Root, "--out", zipPath, "--visibility", "visible", "--milestones", "1", "2aa");

        exit.Should().Be(ExitCodes.Success);
        using var zip = ZipFile.OpenRead(zipPath);
        Read(zip, "autograder.env").Should()
            .Contain("TINYKV_AUTOGRADER_VISIBILITY=\"${TINYKV_AUTOGRADER_VISIBILITY:-visible}\"").And
            .Contain("TINYKV_AUTOGRADER_MILESTONES=\"${TINYKV_AUTOGRADER_MILESTONES:-1 2AA}\"");
        _out.ToString().Should().Contain($"at {_repository.Head}").And.Contain("grades milestones 1 2AA; students see the tests visible");
    }

    [Fact]
    public void A_milestone_given_its_own_visibility_is_written_after_every_tests()
    {
        var zipPath = _repository.Beside("own.zip");

        var exit = Run("autograder", "--root", _repository.Root, "--out", zipPath, "--visibility", "2aa=hidden", "--visibility", "visible");

        exit.Should().Be(ExitCodes.Success);
        using var zip = ZipFile.OpenRead(zipPath);
        Read(zip, "autograder.env").Should().Contain("TINYKV_AUTOGRADER_VISIBILITY=\"${TINYKV_AUTOGRADER_VISIBILITY:-visible 2AA=hidden}\"");
        _out.ToString().Should().Contain("students see the tests visible (2AA hidden)");
    }

    [Theory]
    [InlineData("--visibility", "later", "unknown visibility 'later'; use after_published, visible, after_due_date, hidden")]
    [InlineData("--visibility", "9z=visible", "'9z' in visibility '9z=visible' is not a milestone; use one of 1, 2AA")]
    [InlineData("--milestones", "9Z", "'9Z' is not a milestone; use one of 1, 2AA")]
    public void A_wrong_setting_is_a_usage_error_and_writes_no_bundle(string option, string value, string message)
    {
        var zipPath = _repository.Beside("wrong.zip");

        var exit = Run("autograder", "--root", _repository.Root, "--out", zipPath, option, value);

        exit.Should().Be(ExitCodes.Usage);
        _error.ToString().Should().Contain(message);
        File.Exists(zipPath).Should().BeFalse();
    }

    private static int ModeOf(ZipArchive zip, string name) => (zip.GetEntry(name)!.ExternalAttributes >> 16) & 0xFFFF;

    private static string Read(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    private int Run(params string[] args) =>
        CourseCommandLine.Run(args, new CourseConsole(_out, _error, _repository.Root, _ => throw new InvalidOperationException("the autograder command runs no tests")));
}
