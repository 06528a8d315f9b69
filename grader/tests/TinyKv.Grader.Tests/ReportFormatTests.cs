using System.Text.Json;
using System.Xml.Linq;
using FluentAssertions;
using Snapshooter.Xunit;
using TinyKv.Course.Autograder;
using TinyKv.Course.Running;
using TinyKv.Grader.Reports;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary>Each results format, pinned by a golden file and checked for the facts its readers rely on.</summary>
public sealed class ReportFormatTests
{
    [Fact]
    public void Table_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.Report(), ReportFormat.Table));

    [Fact]
    public void Json_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.Report(), ReportFormat.Json));

    [Fact]
    public void Gradescope_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.Report(), ReportFormat.Gradescope));

    [Fact]
    public void Junit_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.Report(), ReportFormat.Junit));

    [Fact]
    public void Table_of_a_failed_build_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.BuildFailedReport(), ReportFormat.Table));

    [Fact]
    public void Json_of_a_failed_build_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.BuildFailedReport(), ReportFormat.Json));

    [Fact]
    public void Gradescope_of_a_failed_build_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.BuildFailedReport(), ReportFormat.Gradescope));

    [Fact]
    public void Junit_of_a_failed_build_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.BuildFailedReport(), ReportFormat.Junit));

    [Fact]
    public void Table_of_a_submission_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.SubmissionReport(), ReportFormat.Table));

    [Fact]
    public void Json_of_a_submission_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.SubmissionReport(), ReportFormat.Json));

    [Fact]
    public void Gradescope_of_a_submission_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.SubmissionReport(), ReportFormat.Gradescope));

    [Fact]
    public void Junit_of_a_submission_matches_its_golden_file() => Snapshot.Match(Reports.Reports.Render(SampleRuns.SubmissionReport(), ReportFormat.Junit));

    [Fact]
    public void Every_format_carries_the_stamp()
    {
        var report = SampleRuns.SubmissionReport();

        foreach (var format in Enum.GetValues<ReportFormat>())
        {
            Reports.Reports.Render(report, format).Should()
                .Contain(new string('a', 64), $"the {format} format carries the submission hash")
                .And.Contain("0123456789abcdef0123456789abcdef01234567 (dirty)")
                .And.Contain("2 cores")
                .And.Contain("2026-11-24T12:00:00Z");
        }
    }

    [Fact]
    public void Gradescope_lists_tests_in_course_order_then_by_name_with_numbers_to_match()
    {
        using var json = JsonDocument.Parse(GradescopeReport.Render(SampleRuns.Report()));
        var tests = json.RootElement.GetProperty("tests").EnumerateArray().ToList();

        tests.Select(t => t.GetProperty("name").GetString()).Should().Equal(
            "1 › RawApiTests.RawGet_returns_the_stored_value",
            "1 › RawApiTests.RawPut_stores_the_value",
            "1 › RawApiTests.RawScan_returns_pairs",
            "1 › RawApiTests.Scan_crashes",
            "1 › RawApiTests.Scan_hangs",
            "2AA › ElectionTests.One",
            "2AA › ElectionTests.Two");
        tests.Select(t => t.GetProperty("number").GetString()).Should().Equal("1.1", "1.2", "1.3", "1.4", "1.5", "2AA.1", "2AA.2");
    }

    [Fact]
    public void Gradescope_gives_each_test_its_milestones_visibility_and_tags_it_with_the_milestone()
    {
        var report = SampleRuns.Report() with { Visibility = TestVisibility.Parse(["visible", "2AA=after_due_date"]) };

        using var json = JsonDocument.Parse(GradescopeReport.Render(report));
        var tests = json.RootElement.GetProperty("tests").EnumerateArray().ToList();

        json.RootElement.GetProperty("visibility").GetString().Should().Be("visible");
        tests.Select(t => t.GetProperty("visibility").GetString()).Should().Equal(
            "visible", "visible", "visible", "visible", "visible", "after_due_date", "after_due_date");
        tests.Select(t => t.GetProperty("tags")[0].GetString()).Should().Equal("1", "1", "1", "1", "1", "2AA", "2AA");
    }

    [Fact]
    public void Gradescope_explains_hangs_and_crashes_in_words()
    {
        using var json = JsonDocument.Parse(GradescopeReport.Render(SampleRuns.Report()));
        var outputs = json.RootElement.GetProperty("tests").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("output").GetString());

        outputs["1 › RawApiTests.Scan_hangs"].Should().Be("timed out after 10 s");
        outputs["1 › RawApiTests.Scan_crashes"].Should().Contain("test host crashed");
        outputs["1 › RawApiTests.RawGet_returns_the_stored_value"].Should().BeEmpty();
    }

    [Fact]
    public void Gradescope_of_a_failed_build_scores_zero_and_says_why()
    {
        using var json = JsonDocument.Parse(GradescopeReport.Render(SampleRuns.BuildFailedReport()));

        json.RootElement.GetProperty("score").GetDouble().Should().Be(0);
        json.RootElement.GetProperty("max_score").GetDouble().Should().Be(5);
        json.RootElement.GetProperty("output").GetString().Should().Contain("error CS1002");
    }

    [Fact]
    public void Gradescope_score_is_the_sum_of_its_test_scores_and_statuses_are_gradescope_words()
    {
        using var json = JsonDocument.Parse(GradescopeReport.Render(SampleRuns.Report()));
        var root = json.RootElement;
        var tests = root.GetProperty("tests").EnumerateArray().ToList();

        root.GetProperty("score").GetDouble().Should().BeApproximately(tests.Sum(t => t.GetProperty("score").GetDouble()), 0.01);
        root.GetProperty("score").GetDouble().Should().Be(9);
        root.GetProperty("max_score").GetDouble().Should().Be(13);
        root.GetProperty("execution_time").GetDouble().Should().Be(42);
        tests.Should().HaveCount(7);
        tests.Select(t => t.GetProperty("status").GetString()).Distinct().Should().BeEquivalentTo("passed", "failed");
        tests.Single(t => t.GetProperty("name").GetString()!.EndsWith("RawScan_returns_pairs", StringComparison.Ordinal))
            .GetProperty("output").GetString().Should().StartWith("not started: ");
    }

    [Fact]
    public void Gradescope_test_scores_of_uneven_shares_still_add_up_to_the_total()
    {
        var thirds = new MilestoneRun(
            SampleRuns.Spec("1", points: 5),
            [
                SampleRuns.Test("1", "A.One", TestOutcome.Passed),
                SampleRuns.Test("1", "A.Two", TestOutcome.Passed),
                SampleRuns.Test("1", "A.Three", TestOutcome.Passed),
            ],
            [],
            TimeSpan.FromSeconds(1));
        var report = new GradeReport("reference", SampleRuns.Started, SampleRuns.Started.AddSeconds(1), [thirds], [], null);
        using var json = JsonDocument.Parse(GradescopeReport.Render(report));

        var tests = json.RootElement.GetProperty("tests").EnumerateArray().ToList();

        json.RootElement.GetProperty("score").GetDouble().Should().Be(5);
        Math.Round(tests.Sum(t => t.GetProperty("score").GetDouble()), 2).Should().Be(5);
    }

    [Fact]
    public void Not_started_is_explained_from_the_todo_message_on()
    {
        var test = SampleRuns.Test("1", "A.One", TestOutcome.NotStarted, "TinyKv.TodoException : TODO(1): seek an iterator\n   at A.One()");

        Reports.Reports.Explain(test, 10).Should().Be("not started: TODO(1): seek an iterator\n   at A.One()");
    }

    [Fact]
    public void Junit_failure_messages_say_in_words_why_each_test_did_not_pass()
    {
        var messages = XDocument.Parse(JunitReport.Render(SampleRuns.Report())).Descendants("testcase")
            .Where(t => t.Element("failure") is not null)
            .ToDictionary(t => t.Attribute("name")!.Value, t => t.Element("failure")!.Attribute("message")!.Value);

        messages.Should().Equal(new Dictionary<string, string>
        {
            ["RawApiTests.RawPut_stores_the_value"] = "Expected value to be 42, but found 0.",
            ["RawApiTests.RawScan_returns_pairs"] = "not started: TODO(1): seek an iterator",
            ["RawApiTests.Scan_hangs"] = "timed out after 10 s",
            ["RawApiTests.Scan_crashes"] = "the test host crashed while this test ran",
        });
    }

    [Fact]
    public void Junit_counts_match_the_report()
    {
        var suites = XDocument.Parse(JunitReport.Render(SampleRuns.Report())).Root!;

        suites.Attribute("tests")!.Value.Should().Be("7");
        suites.Attribute("failures")!.Value.Should().Be("4");
        suites.Elements("testsuite").Select(s => s.Attribute("name")!.Value).Should().Equal("Milestone 1", "Milestone 2AA");
        suites.Descendants("failure").Should().HaveCount(4);
        foreach (var suite in suites.Elements("testsuite"))
        {
            suite.Attribute("tests")!.Value.Should().Be(suite.Elements("testcase").Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
            suite.Attribute("failures")!.Value.Should().Be(suite.Descendants("failure").Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Json_carries_the_counts_ci_reads()
    {
        using var json = JsonDocument.Parse(JsonReport.Render(SampleRuns.Report()));
        var stage1 = json.RootElement.GetProperty("milestones")[0];

        stage1.GetProperty("id").GetString().Should().Be("1");
        stage1.GetProperty("total").GetInt32().Should().Be(5);
        stage1.GetProperty("notStarted").GetInt32().Should().Be(1);
        json.RootElement.GetProperty("passed").GetInt32().Should().Be(3);
        json.RootElement.GetProperty("failed").GetInt32().Should().Be(4);
    }

    [Theory]
    [InlineData("table", ReportFormat.Table)]
    [InlineData("JSON", ReportFormat.Json)]
    [InlineData("gradescope", ReportFormat.Gradescope)]
    [InlineData("junit", ReportFormat.Junit)]
    public void Format_names_parse(string text, ReportFormat expected) => Reports.Reports.Parse(text).Should().Be(expected);

    [Fact]
    public void An_unknown_format_is_refused_with_the_valid_ones()
    {
        var act = () => Reports.Reports.Parse("html");

        act.Should().Throw<ArgumentException>().WithMessage("*html*table, json, gradescope or junit*");
    }
}
