using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Course.Tests;

public sealed class CourseManifestTests : IDisposable
{
    private readonly TempDirectory _dir = new("tinykv-manifest");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_course_manifest_lists_the_twelve_milestones_in_order_worth_100_points()
    {
        var manifest = CourseManifest.LoadFrom(CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory));

        manifest.Milestones.Select(m => m.Id).Should().Equal(Milestones.All);
        manifest.Milestones.Sum(m => m.Points).Should().Be(100);
        manifest.Get("1").Available.Should().BeTrue();
        manifest.ExportExclude.Should().Contain("course/tests/");
    }

    [Fact]
    public void An_unknown_milestone_id_is_refused_with_the_valid_ones()
    {
        var manifest = CourseManifest.LoadFrom(CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory));

        var act = () => manifest.Get("9Z");

        act.Should().Throw<ManifestException>().WithMessage("*'9Z' is not a milestone*2AB*");
    }

    [Theory]
    [InlineData("{", "not a valid manifest")]
    [InlineData("""{"milestones": []}""", "'title' is missing")]
    [InlineData("""{"title": "t"}""", "'milestones' is missing")]
    [InlineData("""{"title": "t", "milestones": [{"id": "1", "title": "x", "stage": 1, "points": 0, "testTimeLimitSeconds": 5}]}""", "milestone 1: 'points'")]
    [InlineData("""{"title": "t", "milestones": [{"id": "1", "title": "x", "stage": 1, "points": 1, "testTimeLimitSeconds": 0}]}""", "milestone 1: 'testTimeLimitSeconds'")]
    [InlineData("""{"title": "t", "milestones": [{"id": "1", "title": "x", "stage": 1, "points": 1, "testTimeLimitSeconds": 5, "available": true}]}""", "milestone 1: an available milestone needs")]
    [InlineData("""{"title": "t", "milestones": [{"id": "1", "title": "x", "stage": 1, "points": 1, "testTimeLimitSeconds": 5, "available": true, "testProjects": ["nope.csproj"]}]}""", "nope.csproj, which does not exist")]
    [InlineData("""{"title": "t", "milestones": [{"id": "1", "title": "x", "stage": 1, "points": 1, "testTimeLimitSeconds": 5}]}""", "must list 1, 2AA")]
    public void A_malformed_manifest_is_refused_naming_the_field(string json, string expected)
    {
        var path = _dir.Combine("manifest.json");
        File.WriteAllText(path, json);

        var act = () => CourseManifest.Load(path, _dir.Path);

        act.Should().Throw<ManifestException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void No_manifest_above_a_folder_is_a_clear_error()
    {
        var act = () => CourseManifest.FindRepositoryRoot(_dir.Path);

        act.Should().Throw<ManifestException>().WithMessage("*course/manifest.json*--root*");
    }

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
}
