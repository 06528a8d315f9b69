using System.Globalization;
using Spectre.Console;
using TinyKv.Ctl;

namespace TinyKv.Cluster;

/// <summary>
/// How a local cluster stands, as <c>up</c> and <c>status</c> print it: one row per process
/// (running or not, by pid) with, for a store, what the scheduler knows of it; then the number of
/// regions and the addresses to give other tools. The tables are <c>tinykv-ctl scheduler</c>'s
/// (<see cref="SchedulerTables"/>): rounded on a terminal, Markdown when redirected.
/// </summary>
public static class ClusterStatus
{
    /// <summary>Whether each process runs, by name.</summary>
    public static IReadOnlyDictionary<string, bool> Liveness(ClusterState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Processes.ToDictionary(p => p.Name, ProcessSupervisor.IsAlive);
    }

    /// <summary>
    /// One row per process: name, pid, whether it runs (<c>running</c>, <c>dead</c> when its
    /// recorded pid is gone, <c>stopped</c> after <c>down</c>), address; for a store its id, state,
    /// region and leader counts from <paramref name="scheduler"/> ("?" when the scheduler did not
    /// answer) and the size of its data directory on disk.
    /// </summary>
    public static Table Processes(ClusterState state, IReadOnlyDictionary<string, bool> alive, ClusterProbe.SchedulerView? scheduler)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(alive);
        var table = new Table();
        foreach (var (header, right) in new[] { ("process", false), ("pid", true), ("running", false), ("address", false), ("store", true), ("state", false), ("regions", true), ("leaders", true), ("size", true) })
        {
            var column = new TableColumn(new Text(header));
            table.AddColumn(right ? column.RightAligned() : column.LeftAligned());
        }

        foreach (var process in state.Processes)
        {
            var running = alive.GetValueOrDefault(process.Name) ? "running" : process.Pid is null ? "stopped" : "dead";
            var pid = process.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-";
            string[] store = ["-", "-", "-", "-"];
            if (process.Role == ProcessRole.Store)
            {
                var view = scheduler?.Stores.Where(s => s.Meta.Address == process.Address).OrderBy(s => s.Meta.State).FirstOrDefault();
                store = view is not null
                    ? [view.Meta.Id.ToString(CultureInfo.InvariantCulture), view.Meta.State.ToString(), Count(view.RegionCount), Count(view.LeaderCount)]
                    : [process.StoreId?.ToString(CultureInfo.InvariantCulture) ?? "?", scheduler is null ? "?" : "not joined", "?", "?"];
            }

            table.AddRow([.. new[] { process.Name, pid, running, process.Address, store[0], store[1], store[2], store[3], SchedulerTables.Size(DiskSize(process.DataDirectory)) }.Select(c => new Text(c))]);
        }

        return table;
    }

    /// <summary>
    /// Writes the whole status to <paramref name="output"/>: the process table, the number of
    /// regions (or why the scheduler did not answer), and the addresses to use.
    /// </summary>
    public static void Write(TextWriter output, bool plain, string directory, ClusterState state, IReadOnlyDictionary<string, bool> alive, ClusterProbe.SchedulerView? scheduler, string? schedulerError)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(state);
        output.WriteLine($"cluster in {directory}: {alive.Count(a => a.Value)} of {state.Processes.Count} processes running");
        SchedulerTables.Write(output, Processes(state, alive, scheduler), plain);
        output.WriteLine(scheduler is not null
            ? $"{Plural(scheduler.Regions.Count, "region")}, {Plural(scheduler.Stores.Count(s => s.Meta.State == Proto.Metapb.StoreState.Up), "store")} up (the scheduler at {scheduler.SchedulerAddress} says)"
            : $"the scheduler did not answer: {schedulerError}");
        output.WriteLine($"scheduler: {state.SchedulerAddresses}    (tinykv-ctl scheduler stores --scheduler {state.SchedulerAddresses})");
        output.WriteLine($"stores:    {string.Join(", ", state.Stores.Select(s => s.Address))}");
        output.WriteLine($"data and logs: {directory}/<process>/data, {directory}/<process>/<process>.log");
    }

    /// <summary>The bytes of every file under <paramref name="directory"/> (0 when it does not exist).</summary>
    public static ulong DiskSize(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        ulong total = 0;
        try
        {
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", options))
            {
                try
                {
                    total += (ulong)file.Length;
                }
                catch (FileNotFoundException)
                {
                    // A file RocksDB removed while we counted.
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Removed while we counted.
        }

        return total;
    }

    private static string Plural(int count, string noun) => string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);
}
