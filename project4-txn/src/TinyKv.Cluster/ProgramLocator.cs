namespace TinyKv.Cluster;

/// <summary>How to run one program: the file to execute and the arguments that come before the program's own.</summary>
/// <param name="Name">The program's name, e.g. <c>tinykv-server</c>.</param>
/// <param name="FileName">What to execute: the program's launcher, or the <c>dotnet</c> host.</param>
/// <param name="Prefix">Arguments before the program's own: the program's dll when run through <c>dotnet</c>.</param>
/// <param name="Origin">Where it was found, for messages: <c>bin/</c>, a build output, <c>--bin</c>.</param>
public sealed record ProgramPath(string Name, string FileName, IReadOnlyList<string> Prefix, string Origin)
{
    /// <summary>The full command line: the program with <paramref name="arguments"/>.</summary>
    public IReadOnlyList<string> Command(params IEnumerable<string> arguments) => [FileName, .. Prefix, .. arguments];
}

/// <summary>
/// Finds the programs a cluster runs. In order: the folder given with <c>--bin</c>; <c>bin/</c> at
/// the repository root, where <c>dotnet build build/Binaries.proj</c> publishes them; the
/// projects' own build outputs (the newest of Release and Debug), run through <c>dotnet</c>; the
/// folder <c>tinykv-cluster</c> itself runs from (a copy of <c>bin/</c> outside the repository).
/// In a folder a program is its launcher (<c>tinykv-server</c>) or its dll (<c>tinykv-server.dll</c>).
/// </summary>
public sealed class ProgramLocator
{
    /// <summary>The command that publishes every program into <c>bin/</c>.</summary>
    public const string PublishCommand = "dotnet build build/Binaries.proj";

    /// <summary>The file that marks the repository's root.</summary>
    private const string RootMarker = "TinyKv.slnx";

    /// <summary>Where each program's project lives in the repository.</summary>
    private static readonly Dictionary<string, string> s_projects = new(StringComparer.Ordinal)
    {
        ["tinykv-server"] = "project4-txn/src/TinyKv.Server",
        ["tinyscheduler-server"] = "project3-multiraft/src/TinyKv.SchedulerServer",
        ["tinykv-ctl"] = "project4-txn/src/TinyKv.Ctl",
    };

    /// <summary>The build configurations whose outputs are looked at, the newest build winning.</summary>
    private static readonly string[] s_configurations = ["Release", "Debug"];

    private readonly string? _binOverride;
    private readonly string? _repositoryRoot;
    private readonly string _dotnet;

    /// <summary>A locator that looks in <paramref name="binOverride"/> only, when given; otherwise in the repository found above <paramref name="startDirectories"/>.</summary>
    public ProgramLocator(string? binOverride, params IEnumerable<string> startDirectories)
    {
        _binOverride = binOverride is null ? null : Path.GetFullPath(binOverride);
        _repositoryRoot = startDirectories.Select(FindRoot).FirstOrDefault(root => root is not null);
        _dotnet = DotnetHost();
    }

    /// <summary>The repository's root, when one was found.</summary>
    public string? RepositoryRoot => _repositoryRoot;

    /// <summary>How to run <paramref name="name"/>.</summary>
    /// <exception cref="ClusterException">The program is nowhere to be found; the message says how to publish it.</exception>
    public ProgramPath Resolve(string name)
    {
        if (_binOverride is not null)
        {
            if (!Directory.Exists(_binOverride))
            {
                throw new ClusterException($"--bin {_binOverride}: no such folder");
            }

            return InFolder(name, _binOverride, "--bin " + _binOverride)
                ?? throw new ClusterException($"cannot find {name} in {_binOverride} (--bin): neither {name} nor {name}.dll is there; publish the binaries with `{PublishCommand}`");
        }

        if (_repositoryRoot is not null)
        {
            var bin = Path.Combine(_repositoryRoot, "bin");
            if (InFolder(name, bin, "bin/") is { } published)
            {
                return published;
            }

            if (s_projects.TryGetValue(name, out var project))
            {
                var built = s_configurations
                    .Select(configuration => Path.Combine(_repositoryRoot, project, "bin", configuration, "net10.0", name + ".dll"))
                    .Where(File.Exists)
                    .OrderByDescending(File.GetLastWriteTimeUtc)
                    .FirstOrDefault();
                if (built is not null)
                {
                    return new ProgramPath(name, _dotnet, [built], "the build output of " + project);
                }
            }
        }

        // A copy of bin/ taken elsewhere: the servers sit beside tinykv-cluster itself.
        if (InFolder(name, AppContext.BaseDirectory, "beside tinykv-cluster") is { } beside)
        {
            return beside;
        }

        var where = _repositoryRoot is null ? "no TinyKV repository above this folder" : $"not in {Path.Combine(_repositoryRoot, "bin")} nor built";
        throw new ClusterException($"cannot find {name} ({where}): publish the binaries with `{PublishCommand}` at the repository root, or give --bin DIR");
    }

    /// <summary>The program in <paramref name="folder"/>: its launcher if executable there, else its dll run through dotnet; null when neither is there.</summary>
    private ProgramPath? InFolder(string name, string folder, string origin)
    {
        var launcher = Path.Combine(folder, name);
        if (File.Exists(launcher) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(launcher) & UnixFileMode.UserExecute) != 0)
        {
            return new ProgramPath(name, launcher, [], origin);
        }

        var dll = Path.Combine(folder, name + ".dll");
        return File.Exists(dll) ? new ProgramPath(name, _dotnet, [dll], origin) : null;
    }

    private static string? FindRoot(string start)
    {
        for (var directory = new DirectoryInfo(Path.GetFullPath(start)); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, RootMarker)))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    /// <summary>The dotnet host: the one running this program when it runs through dotnet, else the SDK's, else <c>dotnet</c> on the PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
