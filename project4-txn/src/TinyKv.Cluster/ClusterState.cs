using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyKv.Cluster;

/// <summary>What a process of a local cluster does.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProcessRole>))]
public enum ProcessRole
{
    /// <summary>The etcd that a highly available scheduler group keeps its metadata in.</summary>
    Etcd,

    /// <summary>A <c>tinyscheduler-server</c>.</summary>
    Scheduler,

    /// <summary>A <c>tinykv-server --scheduler …</c>.</summary>
    Store,
}

/// <summary>
/// One process of a local cluster as <c>tinykv-cluster</c> started it: enough to find it again
/// (its pid), to start it again the same way (its command line, data and log) and to show it.
/// </summary>
public sealed record ClusterProcess
{
    /// <summary>The process's name in the folder, which is also its sub-folder: <c>store-2</c>, <c>scheduler-1</c>, <c>etcd-1</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What the process does.</summary>
    public required ProcessRole Role { get; init; }

    /// <summary>host:port it serves clients on.</summary>
    public required string Address { get; init; }

    /// <summary>Every port it listens on (etcd: client and peer).</summary>
    public required IReadOnlyList<int> Ports { get; init; }

    /// <summary>The program and its arguments, exactly as started.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Its data directory (absolute).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The file its standard output and error are appended to (absolute).</summary>
    public required string LogPath { get; init; }

    /// <summary>The pid it was last started with; null once <c>down</c> stopped it.</summary>
    public int? Pid { get; init; }

    /// <summary>A store's id, once the scheduler has given it one.</summary>
    public ulong? StoreId { get; init; }
}

/// <summary>
/// The state file of a local cluster, <c>cluster.json</c> in its folder: every process it runs,
/// so that <c>status</c>, <c>down</c>, <c>kill</c> and <c>restart</c> act on what <c>up</c> started.
/// </summary>
public sealed record ClusterState
{
    /// <summary>The state file's name inside the cluster's folder.</summary>
    public const string FileName = "cluster.json";

    /// <summary>The format of the file; a later format is refused rather than misread.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The format this file was written in.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Every process, in the order they start: etcd, schedulers, stores.</summary>
    public required IReadOnlyList<ClusterProcess> Processes { get; init; }

    /// <summary>The schedulers' addresses, comma-separated: what a store's and a client's <c>--scheduler</c> take.</summary>
    [JsonIgnore]
    public string SchedulerAddresses => string.Join(',', Processes.Where(p => p.Role == ProcessRole.Scheduler).Select(p => p.Address));

    /// <summary>The stores, in name order.</summary>
    [JsonIgnore]
    public IReadOnlyList<ClusterProcess> Stores => [.. Processes.Where(p => p.Role == ProcessRole.Store)];

    /// <summary>The path of the state file in <paramref name="directory"/>.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>Reads the state file of the cluster in <paramref name="directory"/>, or null when there is none.</summary>
    /// <exception cref="ClusterException">The file is there but cannot be read.</exception>
    public static ClusterState? Load(string directory)
    {
        var path = PathIn(directory);
        if (!File.Exists(path))
        {
            return null;
        }

        ClusterState? state;
        try
        {
            state = JsonSerializer.Deserialize(File.ReadAllText(path), ClusterStateJson.Default.ClusterState);
        }
        catch (JsonException ex)
        {
            throw new ClusterException($"{path} is not a cluster state file: {ex.Message}", ex);
        }

        if (state is null || state.Processes is null)
        {
            throw new ClusterException($"{path} is not a cluster state file: it lists no processes");
        }

        if (state.Version > CurrentVersion)
        {
            throw new ClusterException($"{path} was written by a newer tinykv-cluster (format {state.Version}; this one reads {CurrentVersion})");
        }

        return state;
    }

    /// <summary>Writes the state file into <paramref name="directory"/>, replacing the old one in one step.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = PathIn(directory);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, ClusterStateJson.Default.ClusterState) + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The process named <paramref name="name"/>; a bare number names a store (<c>2</c> is <c>store-2</c>).</summary>
    /// <exception cref="ClusterException">No process has that name.</exception>
    public ClusterProcess Find(string name, string directory)
    {
        ArgumentNullException.ThrowIfNull(name);
        var wanted = name.Length > 0 && name.All(char.IsAsciiDigit) ? "store-" + name.TrimStart('0') : name;
        return Processes.FirstOrDefault(p => p.Name == wanted)
            ?? throw new ClusterException($"no {(wanted.StartsWith("store-", StringComparison.Ordinal) ? "store " + wanted["store-".Length..] : $"process '{name}'")} in the cluster of {directory}; it has {string.Join(", ", Processes.Select(p => p.Name))}");
    }

    /// <summary>This state with <paramref name="process"/> in place of the process of the same name.</summary>
    public ClusterState With(ClusterProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return this with { Processes = [.. Processes.Select(p => p.Name == process.Name ? process : p)] };
    }
}

/// <summary>The state file's JSON: indented, camelCase, nulls left out.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClusterState))]
internal sealed partial class ClusterStateJson : JsonSerializerContext;
