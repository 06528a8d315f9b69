using System.Text.RegularExpressions;
using System.Xml.Linq;
using FluentAssertions;
using TinyKv.Course.Export;
using TinyKv.Course.Manifest;
using Xunit;

namespace TinyKv.Course.Tests;

/// <summary>
/// Each project lists in <c>TinyKvSlots</c> the milestones its code's slots belong to, and only
/// those symbols are defined in it (Directory.Build.targets). A milestone missing from the list
/// would leave its reference uncompiled in every edition; one listed for nothing would
/// recompile the project on edition switches that cannot change it.
/// </summary>
public sealed partial class SlotProjectsTests
{
    private static readonly string s_root = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);

    [Fact]
    public void Every_project_lists_exactly_the_milestones_whose_symbols_its_code_tests()
    {
        var projects = SourceFiles.List(s_root, out _)
            .Where(path => path.EndsWith(".csproj", StringComparison.Ordinal))
            .Where(path => !path.StartsWith("course/tests/", StringComparison.Ordinal))
            .ToList();
        projects.Should().NotBeEmpty();

        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            var folder = Path.GetDirectoryName(Path.Combine(s_root, project))!;
            var declared = DeclaredSlots(Path.Combine(s_root, project));
            var tested = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Where(file => !SourceFiles.SkippedFolders.Any(skipped => file.Contains($"{Path.DirectorySeparatorChar}{skipped}{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
                .SelectMany(file => File.ReadLines(file))
                .Select(Directive.Parse)
                .Where(d => d is { Kind: DirectiveKind.If or DirectiveKind.Elif })
                .SelectMany(d => Symbol().Matches(d!.Argument).Select(m => m.Groups[1].Value))
                .Distinct(StringComparer.Ordinal)
                .OrderBy(Milestones.OrdinalOf)
                .ToList();
            declared.Should().Equal(tested, $"{project} lists [{string.Join(';', declared)}] in TinyKvSlots and its code tests [{string.Join(';', tested)}]");
            if (declared.Count > 0)
            {
                found[project] = string.Join(';', declared);
            }
        }

        // The slots are where the course says they are.
        found.Keys.Select(Path.GetFileNameWithoutExtension).Should().BeEquivalentTo(
            "TinyKv.Standalone", "TinyKv.Raft", "TinyKv.RaftStore", "TinyKv.Scheduler", "TinyKv.Transaction");
        found.Values.SelectMany(v => v.Split(';')).Distinct().Should().BeEquivalentTo(Milestones.All, "every milestone has slots somewhere");
    }

    private static List<string> DeclaredSlots(string csproj)
    {
        var value = XDocument.Load(csproj).Descendants("TinyKvSlots").SingleOrDefault()?.Value ?? "";
        var ids = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        ids.Where(id => !Milestones.All.Contains(id)).Should().BeEmpty($"{csproj} lists milestones in TinyKvSlots");
        ids.Should().Equal(ids.OrderBy(Milestones.OrdinalOf), $"{csproj} lists its slots in course order");
        return ids;
    }

    [GeneratedRegex(@"\bTINYKV_REF_([0-9A-Z]+)\b")]
    private static partial Regex Symbol();
}
