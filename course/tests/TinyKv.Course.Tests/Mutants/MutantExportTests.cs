using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Mutants;
using Xunit;

namespace TinyKv.Course.Tests.Mutants;

/// <summary>The mutant patches quote reference code, so no student export may carry them.</summary>
public sealed class MutantExportTests
{
    [Fact]
    public void The_course_manifest_leaves_the_mutants_out_of_the_student_export()
    {
        var manifest = CourseManifest.LoadFrom(CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory));
        manifest.ExportExclude.Should().Contain(MutantCatalog.RelativeFolder + "/");
    }
}
