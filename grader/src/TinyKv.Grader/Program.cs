using Spectre.Console;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader;
using TinyKv.Grader.Cli;

// The only place the grader meets the real world: the course manifest on disk, the dotnet test
// runner, the console and the clock. Everything else lives in GraderCommandLine and GradingSession.
var host = new GraderHost(
    Console.Out,
    Console.Error,
    TimeProvider.System,
    () => CourseManifest.FindRepositoryRoot(Directory.GetCurrentDirectory()),
    root => CourseManifest.LoadFrom(root).Milestones,
    root => new DotnetTestRunner(root),
    () => Console.IsOutputRedirected ? new PlainProgress(Console.Out) : new TerminalProgress(AnsiConsole.Console),
    ResultsFile.Write);

return GraderCommandLine.Run(args, host);
