using FluentAssertions;
using TinyKv.Course.Running;
using Xunit;

namespace TinyKv.Course.Tests;

public sealed class VsTestFilterTests
{
    [Fact]
    public void A_milestone_filter_excludes_accounted_tests_by_display_name_in_order()
    {
        VsTestFilter.MilestoneExcept("2AB", ["Ns.B.Two", "Ns.A.One"]).Should()
            .Be("Milestone=2AB&DisplayName!=Ns.A.One&DisplayName!=Ns.B.Two");
    }

    [Fact]
    public void Nothing_to_exclude_selects_the_whole_milestone()
    {
        VsTestFilter.MilestoneExcept("1", []).Should().Be("Milestone=1");
    }

    [Fact]
    public void Characters_of_the_filter_grammar_are_escaped()
    {
        VsTestFilter.OnlyTest("1", "Ns.A.Case(x: \"a=b\", y: !c)").Should()
            .Be(@"Milestone=1&DisplayName=Ns.A.Case\(x: ""a\=b"", y: \!c\)");
    }

    [Fact]
    public void A_selection_of_several_milestones_and_a_trait_groups_the_milestones()
    {
        VsTestFilter.Select(["2B", "4C"], TestTrait.Simulated).Should().Be("(Milestone=2B|Milestone=4C)&Simulated=true");
    }

    [Fact]
    public void A_selection_of_one_milestone_needs_no_parentheses()
    {
        VsTestFilter.Select(["4C"], TestTrait.Simulated).Should().Be("Milestone=4C&Simulated=true");
    }

    [Fact]
    public void A_selection_of_one_test_names_it_last()
    {
        VsTestFilter.Select(["4C"], TestTrait.Simulated, "Ns.A.Case(seed: 1)").Should()
            .Be(@"Milestone=4C&Simulated=true&DisplayName=Ns.A.Case\(seed: 1\)");
    }

    [Fact]
    public void A_selection_excludes_accounted_tests_after_its_traits()
    {
        VsTestFilter.Except("(Milestone=2B|Milestone=4C)&Simulated=true", ["Ns.B", "Ns.A"]).Should()
            .Be("(Milestone=2B|Milestone=4C)&Simulated=true&DisplayName!=Ns.A&DisplayName!=Ns.B");
    }

    [Fact]
    public void A_selection_without_milestones_is_refused()
    {
        var act = () => VsTestFilter.Select([]);

        act.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("  Passed Ns.A.One [3 ms]", "Ns.A.One")]
    [InlineData("  Failed Ns.A.Case(label: \"x [y]\") [< 1 ms]", "Ns.A.Case(label: \"x [y]\")")]
    [InlineData("  Skipped Ns.A.Later", "Ns.A.Later")]
    [InlineData("Passed!  - Failed: 0, Passed: 3", null)]
    [InlineData("   at Ns.A.One() in A.cs:line 3", null)]
    public void Console_lines_of_finished_tests_name_the_test(string line, string? name)
    {
        VsTestCommand.FinishedTest(line).Should().Be(name);
    }
}
