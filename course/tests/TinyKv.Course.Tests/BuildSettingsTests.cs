using FluentAssertions;
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
}
