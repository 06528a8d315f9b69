using System.Diagnostics;
using FluentAssertions;
using TinyKv.Course.Export;
using Xunit;

namespace TinyKv.Course.Tests.Export;

/// <summary>Whole exports of a <see cref="SampleRepository"/>.</summary>
public sealed class ExporterTests : IDisposable
{
    private readonly SampleRepository _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Every_cs_file_is_stripped_and_its_slots_are_counted()
    {
        var result = Exporter.Export(_repo.Options());

        _repo.Exported("src/App/ElectionTimer.cs").Should().Be(
            SlotStripper.Strip("x", InputFiles.Read("method-slot.cs.txt")).Text);
        result.FilesStripped.Should().Be(2);
        result.SlotsRemoved.Should().Equal(new Dictionary<string, int> { ["1"] = 2, ["2AA"] = 1 });
    }

    [Fact]
    public void Edition_block_is_removed_from_Directory_Build_props()
    {
        Exporter.Export(_repo.Options());

        _repo.Exported("Directory.Build.props").Should().Be("""
            <Project>
              <PropertyGroup>
                <Nullable>enable</Nullable>
              </PropertyGroup>

              <PropertyGroup Condition="'$(TinyKvStubs)' != 'false'">
                <NoWarn>$(NoWarn);IDE0051</NoWarn>
              </PropertyGroup>
            </Project>

            """);
    }

    [Fact]
    public void Excluded_folder_is_left_out_and_its_project_leaves_the_solution()
    {
        var result = Exporter.Export(_repo.Options("tests/", ".ci/"));

        Directory.Exists(Path.Combine(_repo.Destination, "tests")).Should().BeFalse();
        _repo.Exported("Sample.slnx").Should().Be("""
            <Solution>
              <Folder Name="/src/">
                <Project Path="src/App/App.csproj" />
              </Folder>
            </Solution>

            """);
        result.DroppedPaths.Should().Equal(".ci/run", "tests/App.Tests/App.Tests.csproj", "tests/App.Tests/TimerTests.cs");
        result.RemovedSolutionEntries.Should().Equal("tests/App.Tests/App.Tests.csproj");
    }

    [Fact]
    public void Excluded_single_file_is_left_out_but_a_file_sharing_its_prefix_is_not()
    {
        _repo.Write("README.md.orig", "kept");

        var result = Exporter.Export(_repo.Options("README.md"));

        File.Exists(Path.Combine(_repo.Destination, "README.md")).Should().BeFalse();
        File.Exists(Path.Combine(_repo.Destination, "README.md.orig")).Should().BeTrue();
        result.DroppedPaths.Should().Equal("README.md");
    }

    [Fact]
    public void Files_without_slots_are_copied_byte_for_byte()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF, (byte)'/', (byte)'/', (byte)'\r', (byte)'\n' };
        File.WriteAllBytes(Path.Combine(_repo.Root, "src/App/Bom.cs"), bytes);

        var result = Exporter.Export(_repo.Options());

        File.ReadAllBytes(Path.Combine(_repo.Destination, "src/App/Bom.cs")).Should().Equal(bytes);
        result.FilesCopied.Should().Be(10);
    }

    [Fact]
    public void A_bad_cs_file_fails_the_whole_export_and_leaves_nothing_behind()
    {
        _repo.Copy("Errors/unknown-milestone.cs.txt", "src/App/Node.cs");
        _repo.Copy("Errors/stray-endif.cs.txt", "src/App/Peer.cs");

        var export = () => Exporter.Export(_repo.Options());

        var failure = export.Should().Throw<ExportFailedException>().Which;
        failure.Errors.Select(e => $"{e.File}:{e.Line}").Should().Equal("src/App/Node.cs:7", "src/App/Peer.cs:8");
        Directory.EnumerateFileSystemEntries(_repo.Parent).Should().Equal(_repo.Root);
    }

    [Fact]
    public void Non_empty_destination_is_refused_and_left_untouched()
    {
        Directory.CreateDirectory(_repo.Destination);
        File.WriteAllText(Path.Combine(_repo.Destination, "mine.txt"), "keep me");

        var export = () => Exporter.Export(_repo.Options());

        export.Should().Throw<ExportFailedException>()
            .Which.Errors.Should().ContainSingle().Which.Message.Should().Contain("not empty");
        File.ReadAllText(Path.Combine(_repo.Destination, "mine.txt")).Should().Be("keep me");
    }

    [Fact]
    public void Empty_destination_is_accepted()
    {
        Directory.CreateDirectory(_repo.Destination);

        Exporter.Export(_repo.Options());

        File.Exists(Path.Combine(_repo.Destination, "README.md")).Should().BeTrue();
    }

    [Fact]
    public void Overwrite_replaces_a_non_empty_destination()
    {
        Directory.CreateDirectory(_repo.Destination);
        File.WriteAllText(Path.Combine(_repo.Destination, "old.txt"), "from an earlier export");

        Exporter.Export(_repo.Options() with { Overwrite = true });

        File.Exists(Path.Combine(_repo.Destination, "old.txt")).Should().BeFalse();
        File.Exists(Path.Combine(_repo.Destination, "README.md")).Should().BeTrue();
    }

    [Fact]
    public void Destination_inside_the_repository_is_never_exported_into_itself()
    {
        var options = _repo.Options() with { Destination = Path.Combine(_repo.Root, "out", "student"), Overwrite = true };
        Exporter.Export(options);

        var second = Exporter.Export(options);

        Directory.Exists(Path.Combine(options.Destination, "out")).Should().BeFalse();
        second.DroppedPaths.Should().OnlyContain(path => path.StartsWith("out/student/", StringComparison.Ordinal));
    }

    [Fact]
    public void Final_check_catches_a_milestone_directive_left_in_a_text_file()
    {
        _repo.Write("docs/handout.md", $"# Slots\n\n#if {SlotStripper.SymbolPrefix}2AA\n");

        var export = () => Exporter.Export(_repo.Options());

        export.Should().Throw<ExportFailedException>()
            .Which.Errors.Should().ContainSingle()
            .Which.ToString().Should().StartWith("docs/handout.md:3: '#if TINYKV_REF_2AA' is still in the exported file");
        Directory.Exists(_repo.Destination).Should().BeFalse();
    }

    [Fact]
    public void Final_check_skips_exempt_paths()
    {
        _repo.Write("docs/handout.md", $"# Slots\n\n#if {SlotStripper.SymbolPrefix}2AA\n");

        Exporter.Export(_repo.Options() with { ScanExempt = ["docs/"] });

        _repo.Exported("docs/handout.md").Should().Contain("#if TINYKV_REF_2AA");
    }

    [Fact]
    public void Missing_edition_markers_fail_the_export()
    {
        _repo.Write("Directory.Build.props", "<Project>\n</Project>\n");

        var export = () => Exporter.Export(_repo.Options());

        export.Should().Throw<ExportFailedException>()
            .Which.Errors.Should().ContainSingle()
            .Which.ToString().Should().StartWith("Directory.Build.props: no edition block");
    }

    [Fact]
    public void Executable_bit_of_a_script_is_kept()
    {
        Exporter.Export(_repo.Options());

        var mode = OperatingSystem.IsWindows()
            ? UnixFileMode.UserExecute
            : File.GetUnixFileMode(Path.Combine(_repo.Destination, ".ci/run"));
        mode.Should().HaveFlag(UnixFileMode.UserExecute);
    }

    [Fact]
    public void Build_output_folders_are_skipped_outside_git()
    {
        _repo.Write("src/App/bin/Debug/App.dll", "binary");
        _repo.Write("src/App/obj/project.assets.json", "{}");
        _repo.Write(".artifacts/bin/App/App.dll", "binary");

        var result = Exporter.Export(_repo.Options());

        Directory.Exists(Path.Combine(_repo.Destination, "src/App/bin")).Should().BeFalse();
        Directory.Exists(Path.Combine(_repo.Destination, "src/App/obj")).Should().BeFalse();
        Directory.Exists(Path.Combine(_repo.Destination, ".artifacts")).Should().BeFalse();
        result.ListedByGit.Should().BeFalse();
    }

    [Fact]
    public void In_a_git_work_tree_ignored_files_are_left_out()
    {
        _repo.Write(".gitignore", "secret.txt\n");
        _repo.Write("secret.txt", "not for students");
        RunGit("init", "--quiet");

        var result = Exporter.Export(_repo.Options());

        result.ListedByGit.Should().BeTrue();
        File.Exists(Path.Combine(_repo.Destination, "secret.txt")).Should().BeFalse();
        File.Exists(Path.Combine(_repo.Destination, "src/App/Storage.cs")).Should().BeTrue();
    }

    private void RunGit(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = _repo.Root, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        git.WaitForExit();
        git.ExitCode.Should().Be(0);
    }
}
