using System.CommandLine;

namespace TinyKv.Cluster;

/// <summary>
/// The command line of <c>tinykv-cluster</c>. Exit codes: 0 when the command did what it was
/// asked; 1 with one line on standard error (<c>error: …</c>, then the end of a log when a
/// process failed to serve) when it could not: no cluster in the folder, an unknown store, a
/// cluster already running there, a program that cannot be found, a cluster that did not serve in time.
/// </summary>
public static class ClusterCli
{
    /// <summary>The folder a cluster lives in unless <c>--dir</c> says otherwise.</summary>
    public const string DefaultDirectory = "./cluster";

    /// <summary>Where Debian's etcd is.</summary>
    public const string DefaultEtcd = "/usr/bin/etcd";

    /// <summary>Runs <paramref name="args"/>, printing to <paramref name="output"/> and <paramref name="error"/>; returns the exit code.</summary>
    /// <param name="plain">Markdown tables without colour, as when the output is redirected.</param>
    /// <param name="workingDirectory">What a relative <c>--dir</c> or <c>--bin</c> is relative to.</param>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool plain, string workingDirectory)
    {
        var root = Create(output, error, plain, workingDirectory);
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return root.Parse(args).InvokeAsync(configuration);
    }

    /// <summary>The root command and its subcommands.</summary>
    public static RootCommand Create(TextWriter output, TextWriter error, bool plain, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var dir = new Option<string>("--dir") { Description = "The cluster's folder: its state file, and a sub-folder per process with its data and log", DefaultValueFactory = _ => DefaultDirectory, Recursive = true };
        var bin = new Option<string?>("--bin") { Description = "Take tinykv-server and tinyscheduler-server from this folder (launchers or dlls) instead of bin/ or the build outputs", Recursive = true };
        var timeout = new Option<int>("--timeout") { Description = "Seconds a start may take until the cluster serves", DefaultValueFactory = _ => 60, Recursive = true };

        var stores = new Option<int>("--stores") { Description = "How many tinykv-server stores", DefaultValueFactory = _ => 3 };
        var schedulers = new Option<int>("--schedulers") { Description = "1, or 3 for a highly available scheduler group over one etcd", DefaultValueFactory = _ => 1 };
        var logLevel = new Option<string>("--log-level") { Description = "The servers' log level: trace, debug, info, warn, error (info logs every connection)", DefaultValueFactory = _ => "warn" };
        var etcd = new Option<string>("--etcd-binary") { Description = "The etcd that --schedulers 3 runs", DefaultValueFactory = _ => DefaultEtcd };
        var up = new Command("up", "Start a scheduler and stores as detached processes on free 127.0.0.1 ports, wait until the cluster serves, print its status")
        {
            stores,
            schedulers,
            logLevel,
            etcd,
        };
        up.SetAction((parse, token) => Run(parse, context =>
        {
            var locator = new ProgramLocator(Resolve(parse.GetValue(bin)), workingDirectory, AppContext.BaseDirectory);
            var storeCount = parse.GetResult(stores) is { Implicit: false } ? parse.GetValue(stores) : (int?)null;
            return ClusterCommands.UpAsync(context, storeCount, parse.GetValue(schedulers), parse.GetValue(logLevel)!, locator, parse.GetValue(etcd)!, token);
        }));

        var regions = new Option<bool>("--regions") { Description = "Also list the regions: key range, epoch, peers and leader" };
        var status = new Command("status", "Show which processes run (by pid) and the scheduler's view of the stores and regions") { regions };
        status.SetAction((parse, token) => Run(parse, context => ClusterCommands.StatusAsync(context, parse.GetValue(regions), token)));

        var grace = new Option<int>("--grace") { Description = "Seconds a process may take to stop after SIGTERM before SIGKILL", DefaultValueFactory = _ => (int)ProcessSupervisor.StopGrace.TotalSeconds };
        var down = new Command("down", "Stop every process cleanly (SIGTERM, then SIGKILL after --grace): stores first, scheduler last; the data stays") { grace };
        down.SetAction((parse, token) => Run(parse, context => ClusterCommands.DownAsync(context, TimeSpan.FromSeconds(parse.GetValue(grace)), token)));

        var killTarget = new Argument<string>("store") { Description = "The store's number in the folder (2 is store-2), or a process name (scheduler-1)" };
        var kill = new Command("kill", "Kill a store at once (SIGKILL), as a crash would") { killTarget };
        kill.SetAction((parse, token) => Run(parse, context => ClusterCommands.KillAsync(context, parse.GetValue(killTarget)!, token)));

        var restartTarget = new Argument<string>("store") { Description = "The store's number in the folder (2 is store-2), or a process name (scheduler-1)" };
        var restart = new Command("restart", "Start a store again with the same command, data and log, and wait until it serves") { restartTarget };
        restart.SetAction((parse, token) => Run(parse, context => ClusterCommands.RestartAsync(context, parse.GetValue(restartTarget)!, token)));

        var isolateTarget = new Argument<string>("store") { Description = "The store's number in the folder (2 is store-2), or its name (store-2)" };
        var isolate = new Command("isolate", "Cut a running store off the network, as a partition would: its raft traffic in and out is dropped, client requests fail, its scheduler heartbeats stop; the process keeps running") { isolateTarget };
        isolate.SetAction((parse, token) => Run(parse, context => ClusterFaults.IsolateAsync(context, parse.GetValue(isolateTarget)!, isolated: true, token)));

        var healTarget = new Argument<string>("store") { Description = "The store's number in the folder (2 is store-2), or its name (store-2)" };
        var heal = new Command("heal", "End a store's isolation: its traffic flows again and it catches up") { healTarget };
        heal.SetAction((parse, token) => Run(parse, context => ClusterFaults.IsolateAsync(context, parse.GetValue(healTarget)!, isolated: false, token)));

        return new RootCommand("tinykv-cluster: a local TinyKV cluster — a tinyscheduler-server and tinykv-server stores as background processes, their data and logs in one folder")
        {
            dir,
            bin,
            timeout,
            up,
            status,
            down,
            kill,
            restart,
            isolate,
            heal,
        };

        string? Resolve(string? path) => path is null ? null : Path.GetFullPath(path, workingDirectory);

        async Task<int> Run(ParseResult parse, Func<CommandContext, Task> command)
        {
            var context = new CommandContext(Path.GetFullPath(parse.GetValue(dir)!, workingDirectory), output, plain, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))));
            try
            {
                await command(context).ConfigureAwait(false);
                return 0;
            }
            catch (ClusterException ex)
            {
                await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (IOException ex)
            {
                await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (UnauthorizedAccessException ex)
            {
                await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }
    }
}
