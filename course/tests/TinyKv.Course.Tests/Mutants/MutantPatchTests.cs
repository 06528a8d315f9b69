using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Mutants;
using Xunit;

namespace TinyKv.Course.Tests.Mutants;

/// <summary>
/// The committed patches still fit the code: a change to the reference that a patch's context
/// no longer matches fails here at once, not in the slow <c>tinykv-course mutants</c> run.
/// </summary>
public sealed class MutantPatchTests
{
    private static readonly string s_root = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);

    [FactNeedingGit]
    public void Every_patch_of_the_catalog_applies_cleanly_to_the_current_tree()
    {
        var catalog = MutantCatalog.LoadFrom(s_root, CourseManifest.LoadFrom(s_root));

        var refused = catalog.Mutants
            .Select(m => (m.Id, Outcome: GitApply.Check(s_root, m.Patch)))
            .Where(r => !r.Outcome.Succeeded)
            .Select(r => $"{r.Id}: {r.Outcome.Message}")
            .ToList();

        refused.Should().BeEmpty("every patch must apply with 'git apply' at the repository root; make a stale one again from the current code");
    }

    [Fact]
    public void Every_patch_in_the_folder_is_in_the_catalog()
    {
        var catalog = MutantCatalog.LoadFrom(s_root, CourseManifest.LoadFrom(s_root));
        var folder = Path.Combine(s_root, MutantCatalog.RelativeFolder);

        Directory.EnumerateFiles(folder, "*.patch").Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Should().Equal(catalog.Mutants.Select(m => Path.GetFileName(m.Patch)).Order(StringComparer.Ordinal));
    }
}
