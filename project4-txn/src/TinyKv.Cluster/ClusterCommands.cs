using System.Diagnostics;
using TinyKv.Ctl;

namespace TinyKv.Cluster;

/// <summary>Where a command works and prints.</summary>
/// <param name="Directory">The cluster's folder (absolute).</param>
/// <param name="Output">Where tables and lines go.</param>
/// <param name="Plain">Markdown tables without colour (output redirected) rather than rounded ones.</param>
/// <param name="Timeout">How long a start may take to serve.</param>
public sealed record CommandContext(string Directory, TextWriter Output, bool Plain, TimeSpan Timeout);

/// <summary>
/// The commands of <c>tinykv-cluster</c>: <c>up</c>, <c>status</c>, <c>down</c>, <c>kill</c> and
/// <c>restart</c> (<c>isolate</c> and <c>heal</c> are <see cref="ClusterFaults"/>). Each reads the folder's state file (<see cref="ClusterState"/>), acts on the
/// processes it lists by pid, and writes the file back. A failure is a <see cref="ClusterException"/>.
/// </summary>
public static class ClusterCommands
{
    /// <summary>
    /// Starts a cluster in the folder and waits until it serves: a new one laid out by
    /// <see cref="ClusterPlan"/>, or the stopped one the folder holds, as it was. Refuses a folder
    /// whose cluster still runs. On failure stops what it started.
    /// </summary>
    /// <param name="stores">Stores wanted, or null when not asked for (a stopped cluster starts with its own count).</param>
    public static async Task UpAsync(CommandContext context, int? stores, int schedulers, string logLevel, ProgramLocator locator, string etcdBinary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(locator);
        var request = new ClusterRequest(stores ?? 3, schedulers, logLevel);
        request.Validate();
        var watch = Stopwatch.StartNew();
        var state = ClusterState.Load(context.Directory);
        if (state is not null)
        {
            var running = state.Processes.Where(ProcessSupervisor.IsAlive).ToList();
            if (running.Count > 0)
            {
                throw new ClusterException($"a cluster is already running in {context.Directory} ({string.Join(", ", running.Select(p => $"{p.Name} pid {p.Pid}"))}); stop it with `tinykv-cluster down --dir {context.Directory}`");
            }

            var had = (Stores: state.Stores.Count, Schedulers: state.Processes.Count(p => p.Role == ProcessRole.Scheduler));
            if ((stores is not null && stores != had.Stores) || schedulers != had.Schedulers)
            {
                throw new ClusterException($"{context.Directory} holds a stopped cluster of {had.Stores} stores and {had.Schedulers} scheduler(s): `tinykv-cluster up --dir {context.Directory}{(had.Schedulers == 1 ? "" : " --schedulers 3")}` starts it again, another --dir starts a new one");
            }

            context.Output.WriteLine($"starting the stopped cluster in {context.Directory} again ({had.Stores} stores, data kept)");
        }
        else
        {
            var scheduler = locator.Resolve("tinyscheduler-server");
            var store = locator.Resolve("tinykv-server");
            string? etcd = null;
            if (schedulers > 1)
            {
                etcd = ResolveEtcd(etcdBinary);
                await RequireEtcdFlagAsync(scheduler, cancellationToken).ConfigureAwait(false);
            }

            state = ClusterPlan.Lay(context.Directory, request, scheduler, store, etcd, FreePorts.Take);
            context.Output.WriteLine($"starting {request.Stores} stores and {request.Schedulers} scheduler(s) in {context.Directory} ({store.Origin})");
        }

        state = await StartAllAsync(context, state, cancellationToken).ConfigureAwait(false);
        context.Output.WriteLine($"the cluster serves ({watch.Elapsed.TotalSeconds:0.0} s)");
        await WriteStatusAsync(context, state, regions: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Prints the status of the folder's cluster: which processes run, the scheduler's view of the stores, the regions when asked.</summary>
    public static async Task StatusAsync(CommandContext context, bool regions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await WriteStatusAsync(context, Existing(context.Directory), regions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops every process cleanly: stores first, then the schedulers, then etcd; SIGKILL for any that outlasts <paramref name="grace"/>. The data stays.</summary>
    public static async Task DownAsync(CommandContext context, TimeSpan grace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = Existing(context.Directory);
        var running = state.Processes.Where(ProcessSupervisor.IsAlive).Select(p => p.Name).ToList();
        foreach (var role in new[] { ProcessRole.Store, ProcessRole.Scheduler, ProcessRole.Etcd })
        {
            var (stopped, killed) = await ProcessSupervisor.StopAsync([.. state.Processes.Where(p => p.Role == role)], grace, cancellationToken).ConfigureAwait(false);
            foreach (var process in stopped)
            {
                state = state.With(process);
            }

            state.Save(context.Directory);
            if (killed.Count > 0)
            {
                context.Output.WriteLine($"killed {string.Join(", ", killed)}: still running {grace.TotalSeconds:0} s after SIGTERM");
            }
        }

        context.Output.WriteLine(running.Count == 0
            ? $"nothing was running in {context.Directory}; the data stays there"
            : $"stopped {string.Join(", ", running)}; the data stays in {context.Directory} (`tinykv-cluster up --dir {context.Directory}` starts it again)");
    }

    /// <summary>Kills one process (SIGKILL), as a crash would; the state keeps its pid, so <c>status</c> shows it dead.</summary>
    public static async Task KillAsync(CommandContext context, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = Existing(context.Directory);
        var process = state.Find(name, context.Directory);
        if (!await ProcessSupervisor.KillAsync(process, cancellationToken).ConfigureAwait(false))
        {
            throw new ClusterException($"{process.Name} is not running{(process.Pid is { } pid ? $" (pid {pid} is gone)" : "")}; `tinykv-cluster restart {name} --dir {context.Directory}` starts it");
        }

        context.Output.WriteLine($"killed {process.Name} (pid {process.Pid}) with SIGKILL; `tinykv-cluster restart {name} --dir {context.Directory}` starts it again");
    }

    /// <summary>
    /// Starts one process again with its recorded command, data and log (stopping it first if it
    /// runs), and waits until it serves; for a store, until the scheduler lists it up and a raw
    /// put and get go through.
    /// </summary>
    public static async Task RestartAsync(CommandContext context, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = Existing(context.Directory);
        var process = state.Find(name, context.Directory);
        if (ProcessSupervisor.IsAlive(process))
        {
            var (stopped, _) = await ProcessSupervisor.StopAsync([process], ProcessSupervisor.StopGrace, cancellationToken).ConfigureAwait(false);
            process = stopped[0];
        }

        var deadline = new Deadline(context.Timeout);
        var (started, offset) = ProcessSupervisor.Start(process, context.Directory);
        state = state.With(started);
        state.Save(context.Directory);
        await ProcessSupervisor.WaitServingAsync(started, offset, deadline, cancellationToken).ConfigureAwait(false);
        if (started.Role == ProcessRole.Store)
        {
            var running = state with { Processes = [.. state.Processes.Where(ProcessSupervisor.IsAlive)] };
            var joined = await ClusterProbe.WaitStoresUpAsync(running, deadline, cancellationToken).ConfigureAwait(false);
            await ClusterProbe.RoundTripAsync(running, deadline, cancellationToken).ConfigureAwait(false);
            state = state.With(joined.Processes.Single(p => p.Name == started.Name));
            state.Save(context.Directory);
        }

        context.Output.WriteLine($"{started.Name} runs again (pid {started.Pid}) and serves");
        await WriteStatusAsync(context, state, regions: false, cancellationToken).ConfigureAwait(false);
    }

    private static ClusterState Existing(string directory) =>
        ClusterState.Load(directory)
        ?? throw new ClusterException($"no cluster in {directory} (no {ClusterState.FileName} there); start one with `tinykv-cluster up --dir {directory}`");

    /// <summary>Starts every process in order, each role once the one before serves, then waits for the stores to join and serve.</summary>
    private static async Task<ClusterState> StartAllAsync(CommandContext context, ClusterState state, CancellationToken cancellationToken)
    {
        var deadline = new Deadline(context.Timeout);
        try
        {
            foreach (var role in new[] { ProcessRole.Etcd, ProcessRole.Scheduler, ProcessRole.Store })
            {
                var started = new List<(ClusterProcess Process, long Offset)>();
                foreach (var process in state.Processes.Where(p => p.Role == role))
                {
                    var (running, offset) = ProcessSupervisor.Start(process, context.Directory);
                    state = state.With(running);
                    state.Save(context.Directory);
                    started.Add((running, offset));
                }

                foreach (var (process, offset) in started)
                {
                    await ProcessSupervisor.WaitServingAsync(process, offset, deadline, cancellationToken).ConfigureAwait(false);
                }
            }

            state = await ClusterProbe.WaitStoresUpAsync(state, deadline, cancellationToken).ConfigureAwait(false);
            await ClusterProbe.RoundTripAsync(state, deadline, cancellationToken).ConfigureAwait(false);
            state.Save(context.Directory);
            return state;
        }
        catch (Exception ex) when (ex is ClusterException or OperationCanceledException)
        {
            // Leave nothing running behind a failed start; the logs stay for a look.
            var (stopped, _) = await ProcessSupervisor.StopAsync(state.Processes, TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            state = state with { Processes = stopped };
            state.Save(context.Directory);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new ClusterException($"the cluster did not start; its processes are stopped again, their logs kept under {context.Directory}: {ex.Message}", ex);
        }
    }

    private static async Task WriteStatusAsync(CommandContext context, ClusterState state, bool regions, CancellationToken cancellationToken)
    {
        var alive = ClusterStatus.Liveness(state);
        ClusterProbe.SchedulerView? view = null;
        string? error = null;
        if (state.Processes.Any(p => p.Role == ProcessRole.Scheduler && alive[p.Name]))
        {
            try
            {
                view = await ClusterProbe.AskSchedulerAsync(state, cancellationToken).ConfigureAwait(false);
            }
            catch (SchedulerQueryException ex)
            {
                error = ex.Message;
            }
        }
        else
        {
            error = "no scheduler is running";
        }

        ClusterStatus.Write(context.Output, context.Plain, context.Directory, state, alive, view, error);
        if (regions && view is not null)
        {
            SchedulerTables.Write(context.Output, SchedulerTables.Regions(view.Regions), context.Plain);
        }
    }

    private static string ResolveEtcd(string etcdBinary)
    {
        if (File.Exists(etcdBinary))
        {
            return Path.GetFullPath(etcdBinary);
        }

        throw new ClusterException($"cannot find etcd at {etcdBinary}, which --schedulers 3 needs: install it (apt-get install -y etcd-server) or give --etcd-binary");
    }

    /// <summary>Refuses a scheduler that does not know <c>--etcd</c> (a highly available group needs it), reading its <c>--help</c>.</summary>
    private static async Task RequireEtcdFlagAsync(ProgramPath scheduler, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(scheduler.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in scheduler.Command("--help").Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        string help;
        try
        {
            using var process = Process.Start(info) ?? throw new ClusterException($"cannot run {scheduler.Name} --help");
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(30));
            var error = process.StandardError.ReadToEndAsync(limit.Token);
            help = await process.StandardOutput.ReadToEndAsync(limit.Token).ConfigureAwait(false);
            _ = await error.ConfigureAwait(false);
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ClusterException($"cannot run {scheduler.Name} ({scheduler.FileName}): {ex.Message}", ex);
        }

        if (!help.Contains("--etcd", StringComparison.Ordinal))
        {
            throw new ClusterException($"this {scheduler.Name} ({scheduler.Origin}) does not know --etcd yet, which a highly available scheduler group (--schedulers 3) needs; use --schedulers 1");
        }
    }
}
