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
              <Output><ErrorInfo><Message>Expected 3 items but found 2.</Message></ErrorInfo></Output>
            </UnitTestResult>
            <UnitTestResult testId="d" testName="Ns.Tests.CodecTests.Round_trip(length: 8)" outcome="Passed" duration="00:00:00" />
            <UnitTestResult testId="e" testName="Ns.Tests.CodecTests.Skipped" outcome="NotExecuted" duration="00:00:00" />
          </Results>
          <TestDefinitions>
            <UnitTest id="a" name="Ns.Tests.RawApiTests.RawGet"><TestMethod className="Ns.Tests.RawApiTests" name="RawGet" /></UnitTest>
            <UnitTest id="b" name="Ns.Tests.RawApiTests.RawPut"><TestMethod className="Ns.Tests.RawApiTests" name="RawPut" /></UnitTest>
            <UnitTest id="c" name="Ns.Tests.RawApiTests.RawScan"><TestMethod className="Ns.Tests.RawApiTests" name="RawScan" /></UnitTest>
            <UnitTest id="d" name="Ns.Tests.CodecTests.Round_trip(length: 8)"><TestMethod className="Ns.Tests.CodecTests" name="Round_trip" /></UnitTest>
            <UnitTest id="e" name="Ns.Tests.CodecTests.Skipped"><TestMethod className="Ns.Tests.CodecTests" name="Skipped" /></UnitTest>
          </TestDefinitions>
        </TestRun>
        """;

    [Fact]
    public void Outcomes_names_and_durations_are_read()
    {
        var tests = TrxReport.Parse(Trx);

        tests.Select(t => (t.Name, t.Outcome)).Should().Equal(
            ("RawApiTests.RawGet", TestOutcome.Passed),
            ("RawApiTests.RawPut", TestOutcome.NotStarted),
            ("RawApiTests.RawScan", TestOutcome.Failed),
            ("CodecTests.Round_trip(length: 8)", TestOutcome.Passed));
        tests[0].Duration.Should().Be(TimeSpan.FromMilliseconds(12));
        tests[3].FullyQualifiedName.Should().Be("Ns.Tests.CodecTests.Round_trip");
    }

    [Fact]
    public void A_failure_keeps_its_message_and_stack_trace()
    {
        var put = TrxReport.Parse(Trx).Single(t => t.Name == "RawApiTests.RawPut");

        put.Output.Should().Contain("TODO(1): write the key").And.Contain("at RawApi.RawPut()");
    }

    [Fact]
    public void The_blame_sequence_names_the_test_that_never_completed()
    {
        const string sequence = """
            <?xml version="1.0"?>
            <TestSequence>
              <Test Name="Ns.A.Done" DisplayName="Ns.A.Done" Completed="True" />
              <Test Name="Ns.A.Stuck" DisplayName="Ns.A.Stuck" Completed="False" />
            </TestSequence>
            """;

        TrxReport.IncompleteTests(sequence).Should().Equal("Ns.A.Stuck");
    }

    [Fact]
    public void The_filter_excludes_accounted_tests_with_special_characters_escaped()
    {
        DotnetTestRunner.FilterFor("2AB", ["Ns.B.Two", "Ns.A.One"]).Should()
            .Be("Milestone=2AB&FullyQualifiedName!=Ns.A.One&FullyQualifiedName!=Ns.B.Two");
        DotnetTestRunner.FilterFor("1", ["Ns.A.Odd(x)"]).Should().Be(@"Milestone=1&FullyQualifiedName!=Ns.A.Odd\(x\)");
    }
}
