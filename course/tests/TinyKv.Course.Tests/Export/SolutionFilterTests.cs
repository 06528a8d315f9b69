using FluentAssertions;
using TinyKv.Course.Export;
using Xunit;

namespace TinyKv.Course.Tests.Export;

public sealed class SolutionFilterTests
{
    private const string Solution = """
        <Solution>
          <Folder Name="/course/" />
          <Folder Name="/course/src/">
            <Project Path="course/src/TinyKv.Course/TinyKv.Course.csproj" />
          </Folder>
          <Folder Name="/course/tests/">
            <Project Path="course/tests/TinyKv.Course.Tests/TinyKv.Course.Tests.csproj" />
          </Folder>
          <Folder Name="/grader/" />
          <Folder Name="/grader/src/">
            <Project Path="grader/src/TinyKv.Grader/TinyKv.Grader.csproj" />
          </Folder>
          <Folder Name="/grader/tests/">
            <Project Path="grader/tests/TinyKv.Grader.Tests/TinyKv.Grader.Tests.csproj" />
          </Folder>
          <Folder Name="/shared/" />
          <Folder Name="/shared/src/">
            <Project Path="shared/src/TinyKv.Common/TinyKv.Common.csproj" />
          </Folder>
        </Solution>

        """;

    [Fact]
    public void Folder_whose_last_project_goes_is_removed_but_its_parent_stays_while_it_has_other_folders()
    {
        var result = SolutionFilter.RemoveExcluded("TinyKv.slnx", Solution, Excluding("course/tests/"), out var removed);

        result.Text.Should().Be("""
            <Solution>
              <Folder Name="/course/" />
              <Folder Name="/course/src/">
                <Project Path="course/src/TinyKv.Course/TinyKv.Course.csproj" />
              </Folder>
              <Folder Name="/grader/" />
              <Folder Name="/grader/src/">
                <Project Path="grader/src/TinyKv.Grader/TinyKv.Grader.csproj" />
              </Folder>
              <Folder Name="/grader/tests/">
                <Project Path="grader/tests/TinyKv.Grader.Tests/TinyKv.Grader.Tests.csproj" />
              </Folder>
              <Folder Name="/shared/" />
              <Folder Name="/shared/src/">
                <Project Path="shared/src/TinyKv.Common/TinyKv.Common.csproj" />
              </Folder>
            </Solution>

            """);
        removed.Should().Equal("course/tests/TinyKv.Course.Tests/TinyKv.Course.Tests.csproj");
    }

    [Fact]
    public void Parent_folder_goes_too_when_all_its_folders_became_empty()
    {
        var result = SolutionFilter.RemoveExcluded("TinyKv.slnx", Solution, Excluding("grader/"), out _);

        result.Text.Should().Be("""
            <Solution>
              <Folder Name="/course/" />
              <Folder Name="/course/src/">
                <Project Path="course/src/TinyKv.Course/TinyKv.Course.csproj" />
              </Folder>
              <Folder Name="/course/tests/">
                <Project Path="course/tests/TinyKv.Course.Tests/TinyKv.Course.Tests.csproj" />
              </Folder>
              <Folder Name="/shared/" />
              <Folder Name="/shared/src/">
                <Project Path="shared/src/TinyKv.Common/TinyKv.Common.csproj" />
              </Folder>
            </Solution>

            """);
    }

    [Fact]
    public void Solution_with_nothing_excluded_comes_back_identical()
    {
        var result = SolutionFilter.RemoveExcluded("TinyKv.slnx", Solution, Excluding(".ci/"), out var removed);

        result.Text.Should().BeSameAs(Solution);
        removed.Should().BeEmpty();
    }

    [Fact]
    public void Malformed_solution_is_reported()
    {
        var result = SolutionFilter.RemoveExcluded("TinyKv.slnx", "<Solution>\n  <Folder>\n</Solution>\n", Excluding("x/"), out _);

        result.Errors.Should().ContainSingle()
            .Which.ToString().Should().StartWith("TinyKv.slnx:3: not a valid solution file");
    }

    private static Func<string, bool> Excluding(string prefix) =>
        path => path.StartsWith(prefix, StringComparison.Ordinal);
}
