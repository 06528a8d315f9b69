using System.Text.RegularExpressions;
using TinyKv.Course.Manifest;

namespace TinyKv.Course.Mutants;

/// <summary>
/// The mutants of the course, as <c>course/mutants/mutants.json</c> lists them: for each an id,
/// the bug it plants, the milestone whose tests must catch it, and its patch beside the file.
/// </summary>
public sealed partial class MutantCatalog
{
    /// <summary>Where the catalog and its patches live, relative to the repository root.</summary>
    public const string RelativeFolder = "course/mutants";

    /// <summary>The catalog's file name inside <see cref="RelativeFolder"/>.</summary>
    public const string FileName = "mutants.json";

    private MutantCatalog(IReadOnlyList<MutantSpec> mutants) => Mutants = mutants;

    /// <summary>Every mutant, in the catalog's order.</summary>
    public IReadOnlyList<MutantSpec> Mutants { get; }

    /// <summary>Loads the catalog of the repository rooted at <paramref name="repositoryRoot"/>.</summary>
    /// <exception cref="MutantCatalogException">The catalog is missing, not JSON, or breaks a rule.</exception>
    public static MutantCatalog LoadFrom(string repositoryRoot, CourseManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        return Load(Path.Combine(repositoryRoot, RelativeFolder, FileName), manifest);
    }

    /// <summary>
    /// Loads and checks a catalog: every mutant has an id (letters, digits and dashes) no other
    /// has, a description, an available milestone of <paramref name="manifest"/>, and a patch
    /// file that exists beside the catalog.
    /// </summary>
    /// <exception cref="MutantCatalogException">The file is missing, not JSON, or breaks a rule; the message names the mutant and field.</exception>
    public static MutantCatalog Load(string path, CourseManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(manifest);
        var file = CourseFile.Read<CatalogFile>(path, "catalog", "no mutant catalog here", "not a valid mutant catalog", message => new MutantCatalogException(message));

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var mutants = (file.Mutants ?? throw new MutantCatalogException($"{path}: 'mutants' is missing"))
            .Select((entry, i) => Check(entry, i, path, folder, manifest))
            .ToList();
        var twice = mutants.GroupBy(m => m.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new MutantCatalogException($"{path}: two mutants are called '{twice.Key}'");
        }

        return new MutantCatalog(mutants);
    }

    /// <summary>The mutants named by <paramref name="ids"/>, in the order given; every mutant when there are none.</summary>
    /// <exception cref="UsageException">An id names no mutant of the catalog.</exception>
    public IReadOnlyList<MutantSpec> Select(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Mutants;
        }

        return [.. ids.Distinct(StringComparer.Ordinal).Select(id =>
            Mutants.FirstOrDefault(m => m.Id == id)
            ?? throw new UsageException($"'{id}' is not a mutant; the catalog has {string.Join(", ", Mutants.Select(m => m.Id))}"))];
    }

    private static MutantSpec Check(MutantEntry entry, int index, string path, string folder, CourseManifest manifest)
    {
        var id = Require(entry.Id, $"{path}: mutants[{index}]", "id");
        var where = $"{path}: mutant {id}";
        if (!IdPattern().IsMatch(id))
        {
            throw new MutantCatalogException($"{where}: an id is made of lower-case letters, digits and dashes");
        }

        var description = Require(entry.Description, where, "description");
        var milestoneId = Require(entry.Milestone, where, "milestone");
        var milestone = manifest.Milestones.FirstOrDefault(m => m.Id == milestoneId)
            ?? throw new MutantCatalogException($"{where}: '{milestoneId}' is not a milestone");
        if (!milestone.Available)
        {
            throw new MutantCatalogException($"{where}: milestone {milestoneId} is not available, so it has no tests to catch the mutant");
        }

        var patch = Require(entry.Patch, where, "patch");
        if (Path.GetFileName(patch) != patch || !patch.EndsWith(".patch", StringComparison.Ordinal))
        {
            throw new MutantCatalogException($"{where}: 'patch' is the name of a .patch file beside the catalog, not '{patch}'");
        }

        var fullPatch = Path.Combine(folder, patch);
        if (!File.Exists(fullPatch))
        {
            throw new MutantCatalogException($"{where}: its patch {patch} is not in {folder}");
        }

        return new MutantSpec(id, description, milestoneId, fullPatch);
    }

    private static string Require(string? value, string where, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new MutantCatalogException($"{where}: '{field}' is missing") : value.Trim();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    private sealed record CatalogFile(List<MutantEntry>? Mutants);

    private sealed record MutantEntry(string? Id, string? Description, string? Milestone, string? Patch);
}
