using System.Text.Json;
using System.Xml.Linq;
using FluentAssertions;
using TinyKv.Course.Hints;
using TinyKv.Course.Running;
using TinyKv.Grader.Reports;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary>Every results format adds the hint of a failed test that matches a signature, and where to read.</summary>
public sealed class HintReportTests : IDisposable
{
    private const string Table = """
        {"hints": [
          {"id": "not-started", "title": "A slot is not written yet", "outcome": "NotStarted", "hint": "write the slot", "page": "debugging", "section": "TODO failures"},
          {"id": "wrong-value", "title": "A wrong value", "match": "Expected value to be \\d+", "hint": "the value {quote} is wrong", "quote": "found \\d+", "page": "stage1", "section": "Reads"}
        ]}
        """;

    private readonly TempDirectory _dir = new("tinykv-hint-report");
    private readonly GradeReport _report;

    public HintReportTests()
    {
        var path = Path.Combine(_dir.Path, "hints.json");
        File.WriteAllText(path, Table);
        var stage1 = SampleRuns.Stage1();
        var secondTodo = SampleRuns.Test("1", "RawApiTests.RawDelete_removes", TestOutcome.NotStarted, "TinyKv.TodoException : TODO(1): delete the key");
        _report = SampleRuns.Report() with
        {
            Runs = [stage1 with { Tests = [.. stage1.Tests, secondTodo] }, SampleRuns.AllPassing("2AA")],
            Hints = FailureHints.Load(path),
        };
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_table_lists_each_signature_once_per_milestone_with_how_many_tests_it_concerns()
    {
        var text = Reports.Reports.Render(_report, ReportFormat.Table);

        text.Should().Contain("1 RawApiTests.RawPut_stores_the_value: hint (A wrong value): the value found 0 is wrong; see docs/stage1.md, 'Reads'");
        text.Should().Contain("1 RawApiTests.RawScan_returns_pairs (and 1 more): hint (A slot is not written yet): write the slot (here: TODO(1): seek an iterator); see docs/debugging.md, 'TODO failures'");
        text.Should().NotContain("Scan_hangs:", "a timed-out test matches no signature of this table");
    }

    [Fact]
    public void Json_gives_a_failed_test_its_hint_and_a_test_without_one_none()
    {
        using var json = JsonDocument.Parse(Reports.Reports.Render(_report, ReportFormat.Json));
        var tests = json.RootElement.GetProperty("milestones")[0].GetProperty("tests").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);

        var hint = tests["RawApiTests.RawPut_stores_the_value"].GetProperty("hint");
        hint.GetProperty("id").GetString().Should().Be("wrong-value");
        hint.GetProperty("text").GetString().Should().Be("the value found 0 is wrong");
        hint.GetProperty("page").GetString().Should().Be("docs/stage1.md");
        hint.GetProperty("section").GetString().Should().Be("Reads");
        tests["RawApiTests.Scan_hangs"].TryGetProperty("hint", out _).Should().BeFalse();
        tests["RawApiTests.RawGet_returns_the_stored_value"].TryGetProperty("hint", out _).Should().BeFalse();
    }

    [Fact]
    public void Gradescope_output_of_a_failed_test_ends_with_its_hint()
    {
        using var json = JsonDocument.Parse(Reports.Reports.Render(_report, ReportFormat.Gradescope));
        var output = json.RootElement.GetProperty("tests").EnumerateArray()
            .Single(t => t.GetProperty("name").GetString()!.EndsWith("RawPut_stores_the_value", StringComparison.Ordinal))
            .GetProperty("output").GetString();

        output.Should().StartWith("Expected value to be 42, but found 0.").And.EndWith("\n\nhint (A wrong value): the value found 0 is wrong; see docs/stage1.md, 'Reads'");
    }

    [Fact]
    public void Junit_failure_text_ends_with_the_hint()
    {
        var xml = XDocument.Parse(Reports.Reports.Render(_report, ReportFormat.Junit));
        var failure = xml.Descendants("testcase").Single(t => (string?)t.Attribute("name") == "RawApiTests.RawScan_returns_pairs").Element("failure")!;

        failure.Value.Should().EndWith("hint (A slot is not written yet): write the slot (here: TODO(1): seek an iterator); see docs/debugging.md, 'TODO failures'");
    }

    [Fact]
    public void Without_a_table_the_reports_add_no_hint()
    {
        var plain = _report with { Hints = FailureHints.None };

        Reports.Reports.Render(plain, ReportFormat.Table).Should().NotContain("hint (");
        Reports.Reports.Render(plain, ReportFormat.Json).Should().NotContain("\"hint\"");
    }
}
