using TinyKv.Course.Cli;
using TinyKv.Course.Running;

// The only place the tool meets the real world: the console, the current folder and the
// dotnet test runner. The commands live in CourseCommandLine and its *Command classes.
var console = new CourseConsole(Console.Out, Console.Error, Directory.GetCurrentDirectory(), root => new DotnetTestRunner(root));
return CourseCommandLine.Run(args, console);
