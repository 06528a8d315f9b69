using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Mutants;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Course.Tests.Mutants;

public sealed class MutantCatalogTests : IDisposable
{
    private static readonly string s_root = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);
    private static readonly CourseManifest s_manifest = CourseManifest.LoadFrom(s_root);
    private readonly TempDirectory _folder = new("tinykv-mutants");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_course_catalog_gives_every_mutant_a_description_an_available_milestone_and_its_patch()
    {
        var catalog = MutantCatalog.LoadFrom(s_root, s_manifest);

        catalog.Mutants.Should().NotBeEmpty();
        catalog.Mutants.Should().OnlyContain(m =>
            m.Description.Length > 0
            && s_manifest.Get(m.Milestone).Available
            && File.Exists(m.Patch)
            && Path.GetFileName(m.Patch) == m.Id + ".patch");
    }

    [Fact]
    public void Select_keeps_the_order_given_and_all_is_the_catalog_order()
    {
        var catalog = Load("""{ "mutants": [ { "id": "a", "description": "d", "milestone": "2B", "patch": "a.patch" }, { "id": "b", "description": "d", "milestone": "2C", "patch": "b.patch" } ] }""");

        catalog.Select(["b", "a"]).Select(m => m.Id).Should().Equal("b", "a");
        catalog.Select([]).Select(m => m.Id).Should().Equal("a", "b");
    }

    [Fact]
    public void Selecting_an_unknown_id_is_a_usage_error_naming_the_known_ones()
    {
        var catalog = Load("""{ "mutants": [ { "id": "a", "description": "d", "milestone": "2B", "patch": "a.patch" } ] }""");

        var act = () => catalog.Select(["zz"]);

        act.Should().Throw<UsageException>().WithMessage("'zz' is not a mutant; the catalog has a");
    }

    [Theory]
    [InlineData("""{ }""", "*'mutants' is missing")]
    [InlineData("""{ "mutants": [ { "description": "d", "milestone": "2B", "patch": "a.patch" } ] }""", "*mutants[0]: 'id' is missing")]
    [InlineData("""{ "mutants": [ { "id": "Stale Read", "description": "d", "milestone": "2B", "patch": "a.patch" } ] }""", "*mutant Stale Read: an id is made of lower-case letters, digits and dashes")]
    [InlineData("""{ "mutants": [ { "id": "a", "milestone": "2B", "patch": "a.patch" } ] }""", "*mutant a: 'description' is missing")]
    [InlineData("""{ "mutants": [ { "id": "a", "description": "d", "milestone": "9Z", "patch": "a.patch" } ] }""", "*mutant a: '9Z' is not a milestone")]
    [InlineData("""{ "mutants": [ { "id": "a", "description": "d", "milestone": "2B", "patch": "../a.patch" } ] }""", "*mutant a: 'patch' is the name of a .patch file beside the catalog*")]
    [InlineData("""{ "mutants": [ { "id": "a", "description": "d", "milestone": "2B", "patch": "missing.patch" } ] }""", "*mutant a: its patch missing.patch is not in*")]
    [InlineData("""{ "mutants": [ { "id": "a", "description": "d", "milestone": "2B", "patch": "a.patch" }, { "id": "a", "description": "d", "milestone": "2C", "patch": "b.patch" } ] }""", "*two mutants are called 'a'")]
    [InlineData("""{ "mutants": [ """, "*not a valid mutant catalog*")]
    public void A_catalog_that_breaks_a_rule_is_refused_naming_the_mutant_and_field(string json, string message)
    {
        var act = () => Load(json);

        act.Should().Throw<MutantCatalogException>().WithMessage(message);
    }

    [Fact]
    public void A_mutant_of_a_milestone_not_available_is_refused()
    {
        using var root = new UnavailableMilestoneRoot(s_root, "3C");
        File.WriteAllText(_folder.Combine("a.patch"), "");
        File.WriteAllText(_folder.Combine(MutantCatalog.FileName), """{ "mutants": [ { "id": "a", "description": "d", "milestone": "3C", "patch": "a.patch" } ] }""");

        var act = () => MutantCatalog.Load(_folder.Combine(MutantCatalog.FileName), root.Manifest);

        act.Should().Throw<MutantCatalogException>().WithMessage("*mutant a: milestone 3C is not available*");
    }

    [Fact]
    public void A_missing_catalog_is_refused()
    {
        var act = () => MutantCatalog.LoadFrom(_folder.Path, s_manifest);

        act.Should().Throw<MutantCatalogException>().WithMessage("*no mutant catalog here");
    }

    private MutantCatalog Load(string json)
    {
        File.WriteAllText(_folder.Combine("a.patch"), "");
        File.WriteAllText(_folder.Combine("b.patch"), "");
        File.WriteAllText(_folder.Combine(MutantCatalog.FileName), json);
        return MutantCatalog.Load(_folder.Combine(MutantCatalog.FileName), s_manifest);
    }
}
