using FluentAssertions;
using TinyKv.Course.Export;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Course.Tests;

/// <summary>
/// The student workbook exported from this very repository: it holds no reference code and
/// no Edition switch, it builds, and every Stage 1 test in it fails on a TODO slot.
/// </summary>
[Trait("Category", "Integration")]
public sealed class StudentExportTests : IDisposable
{
    private static readonly string s_root = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);
    private readonly TempDirectory _dir = new("tinykv-export");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_export_of_this_repository_builds_and_every_stage_1_test_is_not_started()
    {
        var manifest = CourseManifest.LoadFrom(s_root);
        var workbook = _dir.Combine("student");

        var result = Exporter.Export(new ExportOptions
        {
            SourceRoot = s_root,
            Destination = workbook,
            Exclude = manifest.ExportExclude,
            ScanExempt = manifest.ExportScanExempt,
        });

        result.SlotsRemoved["1"].Should().BeGreaterThan(0);
        File.ReadAllText(Path.Combine(workbook, "Directory.Build.props")).Should().NotContain("Edition").And.NotContain("TINYKV_REF_");
        Directory.EnumerateFiles(workbook, "*.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadLines(f).Any(line => line.TrimStart().StartsWith("#if TINYKV_REF_", StringComparison.Ordinal)))
            .Should().BeEmpty("the workbook must hold no reference code");
        Directory.Exists(Path.Combine(workbook, "course", "tests")).Should().BeFalse();

        var stage1 = CourseManifest.LoadFrom(workbook).Get("1");
        var runner = new DotnetTestRunner(workbook);
        var build = runner.Build([stage1], BuildSettings.AsIs);
        build.Succeeded.Should().BeTrue(build.Output);
        var run = runner.Run(stage1, BuildSettings.AsIs);

        run.Total.Should().Be(ReferenceStage1TestCount());
        run.Tests.Should().OnlyContain(t => t.Outcome == TestOutcome.NotStarted, "every Stage 1 test must fail on a TodoException in the workbook");
    }

    private static int ReferenceStage1TestCount()
    {
        var tests = Directory.EnumerateFiles(Path.Combine(s_root, "project1-standalone", "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Sum(f => File.ReadLines(f).Count(line => line.Trim() is "[Fact]" or "[Theory]"));
        tests.Should().BeGreaterThan(0);
        return tests;
    }
}
