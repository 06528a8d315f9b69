using FluentAssertions;
using TinyKv.Course.Autograder;
using Xunit;

namespace TinyKv.Course.Tests.Autograder;

/// <summary>Reading <c>--visibility</c> values: every test's, and milestones of their own.</summary>
public sealed class TestVisibilityTests
{
    private static readonly string[] s_course = ["1", "2AA", "4C"];

    [Fact]
    public void Nothing_given_is_after_published_for_every_test()
    {
        var visibility = TestVisibility.Parse([]);

        visibility.Default.Should().Be(GradescopeVisibility.AfterPublished);
        visibility.For("2AA").Should().Be(GradescopeVisibility.AfterPublished);
        visibility.Values().Should().Equal("after_published");
    }

    [Fact]
    public void A_milestone_of_its_own_differs_and_the_others_take_every_tests()
    {
        var visibility = TestVisibility.Parse(["4c=after_due_date", " Visible "], s_course);

        visibility.Default.Should().Be(GradescopeVisibility.Visible);
        visibility.For("1").Should().Be(GradescopeVisibility.Visible);
        visibility.For("4C").Should().Be(GradescopeVisibility.AfterDueDate);
        visibility.ToString().Should().Be("visible (4C after due date)");
    }

    [Fact]
    public void Its_values_read_back_into_the_same_visibility()
    {
        var visibility = TestVisibility.Parse(["hidden", "1=visible", "2AA=after_published"], s_course);

        var again = TestVisibility.Parse(visibility.Values(), s_course);

        visibility.Values().Should().Equal("hidden", "1=visible", "2AA=after_published");
        again.Values().Should().Equal(visibility.Values());
        s_course.Select(again.For).Should().Equal(GradescopeVisibility.Visible, GradescopeVisibility.AfterPublished, GradescopeVisibility.Hidden);
    }

    [Theory]
    [InlineData("later", "unknown visibility 'later'; use after_published, visible, after_due_date, hidden")]
    [InlineData("2AA=soon", "unknown visibility 'soon'; use after_published, visible, after_due_date, hidden")]
    [InlineData("3B=visible", "'3B' in visibility '3B=visible' is not a milestone; use one of 1, 2AA, 4C")]
    public void A_wrong_value_is_refused_with_what_to_use(string value, string message)
    {
        var parse = () => TestVisibility.Parse([value], s_course);

        parse.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void Every_tests_visibility_or_a_milestones_given_twice_is_refused()
    {
        var twice = () => TestVisibility.Parse(["visible", "hidden"]);
        var milestoneTwice = () => TestVisibility.Parse(["1=visible", "1=hidden"], s_course);

        twice.Should().Throw<ArgumentException>().WithMessage("the visibility of every test is given twice ('visible' and 'hidden')*");
        milestoneTwice.Should().Throw<ArgumentException>().WithMessage("the visibility of milestone 1 is given twice*");
    }
}
