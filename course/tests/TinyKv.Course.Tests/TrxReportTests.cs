using FluentAssertions;
using TinyKv.Course.Running;
using Xunit;

namespace TinyKv.Course.Tests;

public sealed class TrxReportTests
{
    private const string Trx = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testId="a" testName="Ns.Tests.RawApiTests.RawGet" outcome="Passed" duration="00:00:00.0120000" />
            <UnitTestResult testId="b" testName="Ns.Tests.RawApiTests.RawPut" outcome="Failed" duration="00:00:00.5000000">
              <Output><ErrorInfo><Message>TinyKv.TodoException : TODO(1): write the key</Message><StackTrace>at RawApi.RawPut()</StackTrace></ErrorInfo></Output>
            </UnitTestResult>
            <UnitTestResult testId="c" testName="Ns.Tests.RawApiTests.RawScan" outcome="Failed" duration="00:00:01">
              <Output><ErrorInfo><Message>Expected 3 items but found 2.</Message><StackTrace>at RawApiTests.RawScan() in RawApiTests.cs:line 40</StackTrace></ErrorInfo></Output>
            </UnitTestResult>
            <UnitTestResult testId="d" testName="Ns.Tests.CodecTests.Round_trip(length: 8, label: &quot;a (b)&quot;)" outcome="Passed" duration="00:00:00" />
            <UnitTestResult testId="e" testName="Ns.Tests.CodecTests.Skipped" outcome="NotExecuted" duration="00:00:00" />
          </Results>
          <TestDefinitions>
            <UnitTest id="a" name="Ns.Tests.RawApiTests.RawGet"><TestMethod className="Ns.Tests.RawApiTests" name="RawGet" /></UnitTest>
            <UnitTest id="b" name="Ns.Tests.RawApiTests.RawPut"><TestMethod className="Ns.Tests.RawApiTests" name="RawPut" /></UnitTest>
            <UnitTest id="c" name="Ns.Tests.RawApiTests.RawScan"><TestMethod className="Ns.Tests.RawApiTests" name="RawScan" /></UnitTest>
            <UnitTest id="d" name="Ns.Tests.CodecTests.Round_trip(length: 8, label: &quot;a (b)&quot;)"><TestMethod className="Ns.Tests.CodecTests" name="Round_trip" /></UnitTest>
            <UnitTest id="e" name="Ns.Tests.CodecTests.Skipped"><TestMethod className="Ns.Tests.CodecTests" name="Skipped" /></UnitTest>
          </TestDefinitions>
        </TestRun>
        """;

    [Fact]
    public void Finished_tests_are_read_with_outcomes_and_names_without_namespace()
    {
        var tests = TrxReport.Parse(Trx);

        tests.Select(t => (t.Name, t.Outcome)).Should().Equal(
            ("RawApiTests.RawGet", TestOutcome.Passed),
            ("RawApiTests.RawPut", TestOutcome.NotStarted),
            ("RawApiTests.RawScan", TestOutcome.Failed),
            ("CodecTests.Round_trip(length: 8, label: \"a (b)\")", TestOutcome.Passed));
    }

    [Fact]
    public void Durations_are_read()
    {
        TrxReport.Parse(Trx).Select(t => t.Duration).Should().Equal(
            TimeSpan.FromMilliseconds(12), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.Zero);
    }

    [Fact]
    public void A_theory_case_keeps_its_arguments_in_the_display_name_but_not_in_the_qualified_name()
    {
        var theory = TrxReport.Parse(Trx).Single(t => t.Name.StartsWith("CodecTests.", StringComparison.Ordinal));

        theory.DisplayName.Should().Be("Ns.Tests.CodecTests.Round_trip(length: 8, label: \"a (b)\")");
        theory.FullyQualifiedName.Should().Be("Ns.Tests.CodecTests.Round_trip");
    }

    [Fact]
    public void A_todo_failure_keeps_its_message_and_stack_trace()
    {
        var put = TrxReport.Parse(Trx).Single(t => t.Name == "RawApiTests.RawPut");

        put.Output.Should().Contain("TODO(1): write the key").And.Contain("at RawApi.RawPut()");
    }

    [Fact]
    public void An_assertion_failure_is_failed_with_its_message()
    {
        var scan = TrxReport.Parse(Trx).Single(t => t.Name == "RawApiTests.RawScan");

        scan.Outcome.Should().Be(TestOutcome.Failed);
        scan.Output.Should().StartWith("Expected 3 items but found 2.").And.Contain("line 40");
    }

    [Fact]
    public void A_passed_test_has_no_output()
    {
        TrxReport.Parse(Trx).Single(t => t.Name == "RawApiTests.RawGet").Output.Should().BeEmpty();
    }

    [Theory]
    [InlineData("TinyKv.TodoException : TODO(2AB): append entries", true)]
    [InlineData("System.Exception: TODO(1) is how slots say so", true)]
    [InlineData("Expected True but found False", false)]
    public void A_todo_is_recognised_by_its_exception_or_marker(string message, bool todo)
    {
        TrxReport.IsTodo(message).Should().Be(todo);
    }

    [Fact]
    public void The_blame_sequence_names_the_tests_that_never_completed()
    {
        const string sequence = """
            <?xml version="1.0"?>
            <TestSequence>
              <Test Name="Ns.A.Done" DisplayName="Ns.A.Done" Completed="True" />
              <Test Name="Ns.A.Stuck" DisplayName="Ns.A.Stuck(n: 2)" Completed="False" />
            </TestSequence>
            """;

        var blamed = TrxReport.IncompleteTests(sequence);

        blamed.Should().Equal(new BlamedTest("Ns.A.Stuck", "Ns.A.Stuck(n: 2)"));
        blamed[0].Name.Should().Be("A.Stuck(n: 2)");
    }
}
