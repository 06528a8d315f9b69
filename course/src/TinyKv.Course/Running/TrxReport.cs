using System.Globalization;
using System.Xml.Linq;

namespace TinyKv.Course.Running;

/// <summary>One finished test as a TRX file records it.</summary>
/// <param name="FullyQualifiedName">Namespace, class and method: what a <c>FullyQualifiedName</c> filter matches.</param>
/// <param name="DisplayName">The name vstest shows and a <c>DisplayName</c> filter matches (for xunit: namespace, class, method and theory arguments).</param>
/// <param name="Name">Class and method (and theory arguments), without the namespace.</param>
/// <param name="Outcome">Passed, Failed or NotStarted (failed on a TodoException).</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="Output">The failure message and stack trace; empty when passed.</param>
public sealed record TrxTest(string FullyQualifiedName, string DisplayName, string Name, TestOutcome Outcome, TimeSpan Duration, string Output)
{
    /// <summary>What the test wrote to its output helper (xunit's <c>ITestOutputHelper</c>); empty when nothing.</summary>
    public string StandardOutput { get; init; } = "";
}

/// <summary>A test the blame collector saw start but not finish before the test host went away.</summary>
/// <param name="FullyQualifiedName">Namespace, class and method.</param>
/// <param name="DisplayName">The name vstest shows (theory arguments included).</param>
public sealed record BlamedTest(string FullyQualifiedName, string DisplayName)
{
    /// <summary>Class and method (and theory arguments), without the namespace.</summary>
    public string Name => TrxReport.DisplayName(ClassOf(FullyQualifiedName), DisplayName);

    private static string ClassOf(string fullyQualifiedName)
    {
        var dot = fullyQualifiedName.LastIndexOf('.');
        return dot < 0 ? "" : fullyQualifiedName[..dot];
    }
}

/// <summary>
/// Reads the results of a <c>dotnet test --logger trx</c> run, and the blame collector's
/// sequence file that names the test running when a host was killed.
/// </summary>
public static class TrxReport
{
    private static readonly XNamespace s_ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    /// <summary>The finished tests of a TRX document. Skipped and not-executed tests are left out.</summary>
    public static IReadOnlyList<TrxTest> Parse(string trxXml)
    {
        var root = XDocument.Parse(trxXml).Root ?? throw new FormatException("empty TRX document");
        var methods = root.Descendants(s_ns + "UnitTest").ToDictionary(
            t => (string?)t.Attribute("id") ?? "",
            t => t.Element(s_ns + "TestMethod"));
        var tests = new List<TrxTest>();
        foreach (var result in root.Descendants(s_ns + "UnitTestResult"))
        {
            var outcome = (string?)result.Attribute("outcome");
            if (outcome is not ("Passed" or "Failed" or "Error" or "Timeout" or "Aborted"))
            {
                continue;
            }

            var testName = (string?)result.Attribute("testName") ?? "";
            methods.TryGetValue((string?)result.Attribute("testId") ?? "", out var method);
            var className = (string?)method?.Attribute("className") ?? "";
            var methodName = (string?)method?.Attribute("name") ?? testName;
            var fqn = className.Length > 0 ? $"{className}.{StripArguments(methodName)}" : StripArguments(testName);
            var error = result.Descendants(s_ns + "ErrorInfo").FirstOrDefault();
            var message = (string?)error?.Element(s_ns + "Message") ?? "";
            var stack = (string?)error?.Element(s_ns + "StackTrace") ?? "";
            var text = string.IsNullOrEmpty(stack) ? message : $"{message}\n{stack}";
            var verdict = outcome == "Passed"
                ? TestOutcome.Passed
                : IsTodo(message) ? TestOutcome.NotStarted : TestOutcome.Failed;
            var standardOutput = (string?)result.Element(s_ns + "Output")?.Element(s_ns + "StdOut") ?? "";
            tests.Add(new TrxTest(fqn, testName, DisplayName(className, testName), verdict, ParseDuration((string?)result.Attribute("duration")), verdict == TestOutcome.Passed ? "" : text.Trim())
            {
                StandardOutput = standardOutput.Trim(),
            });
        }

        return tests;
    }

    /// <summary>
    /// The tests a blame sequence file (<c>Sequence_*.xml</c>, tests in the order they started)
    /// says had started but not completed when the host went away.
    /// </summary>
    /// <remarks>
    /// After a hang timeout this names the hung test (and any test running beside it). After a
    /// crash it is only a guess: a host that dies at once may never have reported the start of
    /// the test that killed it, nor the end of the one before, which then stands accused.
    /// </remarks>
    public static IReadOnlyList<BlamedTest> IncompleteTests(string sequenceXml) =>
        [.. XDocument.Parse(sequenceXml).Descendants("Test")
            .Where(t => string.Equals((string?)t.Attribute("Completed"), "False", StringComparison.OrdinalIgnoreCase))
            .Select(t => new BlamedTest((string?)t.Attribute("Name") ?? "", (string?)t.Attribute("DisplayName") ?? (string?)t.Attribute("Name") ?? ""))
            .Where(t => t.DisplayName.Length > 0)];

    /// <summary>Whether a failure message is an unwritten slot's <c>TodoException</c>.</summary>
    public static bool IsTodo(string message) =>
        message.Contains("TodoException", StringComparison.Ordinal) || message.Contains("TODO(", StringComparison.Ordinal);

    /// <summary>The name without its namespace: <c>Class.Method</c>, keeping theory arguments.</summary>
    public static string DisplayName(string className, string testName)
    {
        if (className.Length > 0 && testName.StartsWith(className + ".", StringComparison.Ordinal))
        {
            var lastDot = className.LastIndexOf('.');
            return lastDot < 0 ? testName : testName[(lastDot + 1)..];
        }

        var bare = StripArguments(testName);
        var dots = bare.Split('.');
        return dots.Length >= 2 ? string.Join('.', dots[^2..]) + testName[bare.Length..] : testName;
    }

    private static string StripArguments(string name)
    {
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        return paren < 0 ? name : name[..paren];
    }

    private static TimeSpan ParseDuration(string? text) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var duration) ? duration : TimeSpan.Zero;
}
