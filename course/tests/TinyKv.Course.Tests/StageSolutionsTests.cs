using System.Xml.Linq;
using FluentAssertions;
using TinyKv.Course.Manifest;
using Xunit;

namespace TinyKv.Course.Tests;

/// <summary>
/// <c>dotnet test</c> inside a stage folder runs that stage's solution: it holds every test
/// project of the stage, and what it builds (its projects and everything they reference) comes
/// from that stage, the stages before it and the shared projects, never from a later stage.
/// </summary>
public sealed class StageSolutionsTests
{
    private static readonly string s_root = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);

    public static TheoryData<string> Stages => new(StageFolders());

    [Theory]
    [MemberData(nameof(Stages))]
    public void A_stage_folder_has_one_solution_with_every_test_project_of_the_stage(string stage)
    {
        var solutions = Directory.GetFiles(Path.Combine(s_root, stage), "*.slnx");
        solutions.Should().ContainSingle($"`dotnet test` in {stage} needs exactly one solution to pick");

        var listed = ProjectsOf(solutions[0]);
        var testProjects = Directory.GetFiles(Path.Combine(s_root, stage, "tests"), "*.csproj", SearchOption.AllDirectories)
            .Where(IsTestProject)
            .Select(Path.GetFullPath);
        listed.Should().Contain(testProjects);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void A_stage_solution_builds_nothing_of_a_later_stage(string stage)
    {
        var solution = Directory.GetFiles(Path.Combine(s_root, stage), "*.slnx").Single();
        var closure = Closure(ProjectsOf(solution));
        var stages = StageFolders();
        var later = stages.Skip(stages.IndexOf(stage) + 1).ToList();

        closure.Should().NotBeEmpty();
        closure.Select(p => Path.GetRelativePath(s_root, p).Replace('\\', '/'))
            .Where(p => later.Any(l => p.StartsWith(l + "/", StringComparison.Ordinal)) || p.StartsWith("course/", StringComparison.Ordinal) || p.StartsWith("grader/", StringComparison.Ordinal))
            .Should().BeEmpty($"{stage}'s `dotnet test` builds only that stage and what it depends on");
    }

    [Fact]
    public void The_first_stage_builds_no_raft()
    {
        var solution = Directory.GetFiles(Path.Combine(s_root, "project1-standalone"), "*.slnx").Single();

        Closure(ProjectsOf(solution)).Select(Path.GetFileNameWithoutExtension)
            .Should().NotContain(name => name!.Contains("Raft", StringComparison.Ordinal) || name.Contains("Transaction", StringComparison.Ordinal));
    }

    private static List<string> StageFolders() =>
        [.. Directory.GetDirectories(s_root, "project*").Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)];

    private static List<string> ProjectsOf(string solution) =>
        [.. XDocument.Load(solution).Descendants("Project")
            .Select(p => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(solution)!, p.Attribute("Path")!.Value)))];

    private static bool IsTestProject(string csproj) =>
        XDocument.Load(csproj).Descendants("PackageReference")
            .Any(e => e.Attribute("Include")?.Value == "Microsoft.NET.Test.Sdk");

    /// <summary>The projects and every project they reference, directly or not.</summary>
    private static HashSet<string> Closure(IEnumerable<string> projects)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(projects);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(project))
            {
                continue;
            }

            File.Exists(project).Should().BeTrue($"{project} is referenced");
            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value)));
            }
        }

        return seen;
    }
}
