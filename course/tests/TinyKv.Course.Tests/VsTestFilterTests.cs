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
