using FluentAssertions;
using TinyKv.Course.Mutants;
using TinyKv.Course.Running;
using Xunit;

namespace TinyKv.Course.Tests;

public sealed class BuildSettingsTests
{
    [Theory]
    [InlineData(null, null, "", "as is")]
    [InlineData("Reference", null, "-p:Edition=Reference", "reference")]
    [InlineData("Student", null, "-p:Edition=Student", "student")]
    [InlineData("Student", "2AC", "-p:Edition=Student -p:ReferenceThrough=2AC", "reference through 2AC")]
    public void Build_settings_become_msbuild_properties_and_a_label(string? edition, string? through, string arguments, string label)
    {
        var settings = new BuildSettings(edition, through);

        string.Join(' ', settings.MsBuildArguments).Should().Be(arguments);
        settings.Label.Should().Be(label);
    }

    [Fact]
    public void The_tree_as_it_is_passes_no_properties()
    {
        BuildSettings.AsIs.MsBuildArguments.Should().BeEmpty();
    }

    [Fact]
    public void The_reference_and_the_tree_as_it_is_build_in_place_with_analyzers()
    {
        foreach (var settings in new[] { BuildSettings.AsIs, new BuildSettings("Reference", null) })
        {
            settings.InEditionsTree.Should().BeFalse();
            settings.MsBuildArgumentsIn("/repo").Should().Equal(settings.MsBuildArguments);
        }
    }

    [Fact]
    public void Another_edition_builds_in_the_editions_tree_without_analyzers()
    {
        var settings = new BuildSettings("Student", "2AC");

        settings.MsBuildArgumentsIn("/repo").Should().Equal(
            "-p:Edition=Student",
            "-p:ReferenceThrough=2AC",
            "-p:ArtifactsPath=" + Path.Combine(Path.GetFullPath("/repo"), BuildSettings.EditionsFolder),
            "-p:UseArtifactsOutput=true",
            "-p:RunAnalyzers=false");
    }

    [Fact]
    public void The_mutants_build_the_reference_in_place_without_analyzers()
    {
        MutantCheck.CopyBuild.MsBuildArgumentsIn("/copy").Should().Equal("-p:Edition=Reference", "-p:RunAnalyzers=false");
        MutantCheck.CopyBuild.Label.Should().Be("reference");
    }
}
