using TinyKv.Course.Running;

namespace TinyKv.Course.Cli;

/// <summary>What the commands need from the outside world: where to write, and how to run tests.</summary>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="CurrentDirectory">Where the repository root is looked for when <c>--root</c> is not given.</param>
/// <param name="CreateRunner">Makes the test runner for a repository root.</param>
public sealed record CourseConsole(TextWriter Out, TextWriter Error, string CurrentDirectory, Func<string, ITestRunner> CreateRunner);
