namespace TinyKv.Bench.Comparison;

/// <summary>
/// How to start one of the repository's programs: a <c>.dll</c> runs through the <c>dotnet</c>
/// host, anything else is executed directly.
/// </summary>
/// <param name="Path">The program's file.</param>
public sealed record ServerProgram(string Path)
{
    /// <summary>The file to execute.</summary>
    public string FileName => Path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? "dotnet" : Path;

    /// <summary>The command line: the dll first when it runs through the dotnet host.</summary>
    public IEnumerable<string> Arguments(params string[] arguments) =>
        Path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? [Path, .. arguments] : arguments;

    /// <summary>
    /// tinykv-server: <paramref name="explicitPath"/> when given, else <c>tinykv-server.dll</c>
    /// next to this program (a project that references the server), else the repository's
    /// Release build, else its Debug build (found by walking up to <c>TinyKv.slnx</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">No build of the server was found.</exception>
    public static ServerProgram LocateTinyKvServer(string? explicitPath) =>
        Locate("tinykv-server", System.IO.Path.Combine("project4-txn", "src", "TinyKv.Server"), explicitPath, "--server-binary");

    /// <summary>
    /// tinyscheduler-server, the scheduler of a multi-region cluster: found the way
    /// <see cref="LocateTinyKvServer"/> finds tinykv-server, its build under
    /// <c>project3-multiraft/src/TinyKv.SchedulerServer</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">No build of the scheduler was found.</exception>
    public static ServerProgram LocateSchedulerServer(string? explicitPath) =>
        Locate("tinyscheduler-server", System.IO.Path.Combine("project3-multiraft", "src", "TinyKv.SchedulerServer"), explicitPath, "--scheduler-binary");

    private static ServerProgram Locate(string program, string project, string? explicitPath, string option)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath)
                ? new ServerProgram(System.IO.Path.GetFullPath(explicitPath))
                : throw new FileNotFoundException($"{option} {explicitPath} does not exist", explicitPath);
        }

        var beside = System.IO.Path.Combine(AppContext.BaseDirectory, program + ".dll");
        if (File.Exists(beside))
        {
            return new ServerProgram(beside);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(System.IO.Path.Combine(directory.FullName, "TinyKv.slnx")))
            {
                continue;
            }

            foreach (var configuration in new[] { "Release", "Debug" })
            {
                var built = System.IO.Path.Combine(directory.FullName, project, "bin", configuration, "net10.0", program + ".dll");
                if (File.Exists(built))
                {
                    return new ServerProgram(built);
                }
            }

            break;
        }

        throw new FileNotFoundException(
            $"{program} is not built: run 'dotnet build -c Release {project.Replace('\\', '/')}' or give {option}");
    }

    /// <summary>This program (tinykv-bench), to start its echo server in a process of its own.</summary>
    public static ServerProgram Self() => new(System.IO.Path.Combine(AppContext.BaseDirectory, "tinykv-bench.dll"));
}
