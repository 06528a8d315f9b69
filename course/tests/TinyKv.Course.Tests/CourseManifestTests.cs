using FluentAssertions;
using TinyKv.Course.Manifest;
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
    [InlineData("""{"title": "t", "milestones": [{"title": "x", "stage": 1, "points": 1, "testTimeLimitSeconds": 5}]}""", "milestones[0]: 'id' is missing")]
    [InlineData("""{"title": "t", "milestones": [{"id": "1", "stage": 1, "points": 1, "testTimeLimitSeconds": 5}]}""", "milestone 1: 'title' is missing")]
    [InlineData("""{"title": "t", "milestones": [{"id": "1", "title": "x", "stage": 7, "points": 1, "testTimeLimitSeconds": 5}]}""", "milestone 1: 'stage'")]
    [InlineData("""{"title": "t", "milestones": [{"id": "1", "title": "x", "stage": 1, "points": "five", "testTimeLimitSeconds": 5}]}""", "points")]
    public void A_malformed_manifest_is_refused_naming_the_field(string json, string expected)
    {
        var path = _dir.Combine("manifest.json");
        File.WriteAllText(path, json);

        var act = () => CourseManifest.Load(path, _dir.Path);

        act.Should().Throw<ManifestException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Milestones_out_of_course_order_are_refused()
    {
        var path = _dir.Combine("manifest.json");
        var entries = TinyKv.Milestones.All.Reverse().Select(id => $$"""{"id": "{{id}}", "title": "x", "stage": 1, "points": 1, "testTimeLimitSeconds": 5}""");
        File.WriteAllText(path, $$"""{"title": "t", "milestones": [{{string.Join(", ", entries)}}]}""");

        var act = () => CourseManifest.Load(path, _dir.Path);

        act.Should().Throw<ManifestException>().WithMessage("*in that order; found 4C, 4B*");
    }

    [Fact]
    public void An_available_milestone_whose_test_project_exists_loads()
    {
        Directory.CreateDirectory(_dir.Combine("tests"));
        File.WriteAllText(_dir.Combine("tests", "A.Tests.csproj"), "<Project />");
        var path = _dir.Combine("manifest.json");
        var entries = TinyKv.Milestones.All.Select(id => id == "1"
            ? """{"id": "1", "title": "One", "stage": 1, "points": 1, "testTimeLimitSeconds": 5, "available": true, "testProjects": ["tests/A.Tests.csproj"]}"""
            : $$"""{"id": "{{id}}", "title": "x", "stage": 2, "points": 1, "testTimeLimitSeconds": 5}""");
        File.WriteAllText(path, $$$"""{"title": "t", "milestones": [{{{string.Join(", ", entries)}}}], "export": {"exclude": ["notes/"]}}""");

        var manifest = CourseManifest.Load(path, _dir.Path);

        manifest.Get("1").TestProjects.Should().Equal("tests/A.Tests.csproj");
        manifest.Get("2AA").Available.Should().BeFalse();
        manifest.ExportExclude.Should().Equal("notes/");
    }

    [Fact]
    public void A_missing_manifest_file_is_a_clear_error()
    {
        var act = () => CourseManifest.LoadFrom(_dir.Combine("nowhere"));

        act.Should().Throw<ManifestException>().WithMessage("*no course manifest here*");
    }

    [Fact]
    public void No_manifest_above_a_folder_is_a_clear_error()
    {
        var act = () => CourseManifest.FindRepositoryRoot(_dir.Path);

        act.Should().Throw<ManifestException>().WithMessage("*course/manifest.json*--root*");
    }
}
