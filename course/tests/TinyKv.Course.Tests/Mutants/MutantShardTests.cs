using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Mutants;
using Xunit;

namespace TinyKv.Course.Tests.Mutants;

public sealed class MutantShardTests
{
    private static readonly string s_root = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);
    private static readonly IReadOnlyList<MutantSpec> s_catalog = MutantCatalog.LoadFrom(s_root, CourseManifest.LoadFrom(s_root)).Mutants;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void The_parts_check_every_mutant_once_and_keep_each_milestone_in_one_part(int count)
    {
        var parts = Enumerable.Range(1, count).Select(k => new MutantShard(k, count).Pick(s_catalog)).ToList();

        parts.SelectMany(p => p).Should().BeEquivalentTo(s_catalog, "every mutant is in exactly one part");
        parts.SelectMany(p => p.Select(m => m.Milestone).Distinct()).Should().OnlyHaveUniqueItems("a milestone's control runs in one part");
        foreach (var part in parts)
        {
            part.Select(IndexOf).Should().BeInAscendingOrder("a part keeps the catalog's order");
        }
    }

    [Fact]
    public void Two_parts_of_the_catalog_are_even_and_the_biggest_milestones_go_to_different_parts()
    {
        var first = new MutantShard(1, 2).Pick(s_catalog);
        var second = new MutantShard(2, 2).Pick(s_catalog);

        Math.Abs(first.Count - second.Count).Should().BeLessThanOrEqualTo(1);
        first.Select(m => m.Milestone).Should().Contain("2B").And.NotContain("2C");
        second.Select(m => m.Milestone).Should().Contain("2C");
    }

    [Fact]
    public void Milestones_go_most_mutants_first_to_the_part_with_the_fewest_so_far()
    {
        var mutants = new[] { Mutant("a", "4C"), Mutant("b", "2B"), Mutant("c", "2B"), Mutant("d", "3B"), Mutant("e", "2B"), Mutant("f", "3B") };

        // 2B (3) to part 1, 3B (2) to part 2, then 4C (1) to part 2, which holds fewer.
        new MutantShard(1, 2).Pick(mutants).Select(m => m.Id).Should().Equal("b", "c", "e");
        new MutantShard(2, 2).Pick(mutants).Select(m => m.Id).Should().Equal("a", "d", "f");
        MutantShard.Whole.Pick(mutants).Should().Equal(mutants);
    }

    [Theory]
    [InlineData("1/2", 1, 2)]
    [InlineData("2/2", 2, 2)]
    [InlineData("1/1", 1, 1)]
    public void K_of_n_is_read(string text, int index, int count) =>
        MutantShard.Parse(text).Should().Be(new MutantShard(index, count));

    [Theory]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("0/2")]
    [InlineData("3/2")]
    [InlineData("-1/2")]
    [InlineData("1/2/3")]
    [InlineData(" 1/2")]
    public void Anything_else_is_a_usage_error_naming_the_form(string text)
    {
        var parse = () => MutantShard.Parse(text);

        parse.Should().Throw<UsageException>().WithMessage($"--shard takes K/N*not '{text}'");
    }

    private static int IndexOf(MutantSpec mutant) => s_catalog.ToList().FindIndex(m => m.Id == mutant.Id);

    private static MutantSpec Mutant(string id, string milestone) => new(id, "a planted bug", milestone, $"/repo/course/mutants/{id}.patch");
}
