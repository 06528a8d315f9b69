using System.Globalization;
using Google.Protobuf;
using Spectre.Console;
using Spectre.Console.Rendering;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.Ctl;

/// <summary>
/// The tables of <c>tinykv-ctl scheduler</c>. On a terminal they have rounded borders; written to
/// a file or a pipe they are Markdown tables (cells between <c>|</c>, no colour, no wrapping), which
/// read well, paste into a document and split with any tool.
/// </summary>
public static class SchedulerTables
{
    /// <summary>How wide a table written to a file or pipe may grow before Spectre would wrap it.</summary>
    private const int PlainWidth = 4096;

    /// <summary>The last second <see cref="DateTimeOffset"/> can show (the end of year 9999).</summary>
    private const ulong MaxUnixSeconds = 253_402_300_799;

    /// <summary>
    /// Writes <paramref name="table"/> to <paramref name="output"/>: with rounded borders and the
    /// terminal's colours, or, when <paramref name="plain"/>, as a Markdown table with no trailing
    /// blanks and no blank lines around it.
    /// </summary>
    public static void Write(TextWriter output, Table table, bool plain)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(table);
        if (!plain)
        {
            table.Border = TableBorder.Rounded;
            Console(output, plain: false).Write(table);
            return;
        }

        table.Border = TableBorder.Markdown;
        using var buffer = new StringWriter(CultureInfo.InvariantCulture);
        var console = Console(buffer, plain: true);
        console.Profile.Width = PlainWidth;
        console.Write(table);

        // The Markdown border still draws its (empty) top and bottom lines: leave them out.
        foreach (var line in buffer.ToString().Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0))
        {
            output.WriteLine(line);
        }
    }

    /// <summary>One row per store: id, address, state, region and leader counts, disk figures ("-" when not reported), last heartbeat.</summary>
    public static Table Stores(IEnumerable<StoreView> stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var table = Columns(Right("store"), Left("address"), Left("state"), Right("regions"), Right("leaders"), Right("capacity"), Right("available"), Right("used"), Left("last heartbeat"));
        foreach (var store in stores)
        {
            table.AddRow(Cells(
                Id(store.Meta.Id),
                store.Meta.Address,
                store.Meta.State.ToString(),
                Count(store.RegionCount),
                Count(store.LeaderCount),
                Reported(store.Stats.Capacity),
                Reported(store.Stats.Available),
                Reported(store.Stats.UsedSize),
                LastHeartbeat(store.Stats)));
        }

        return table;
    }

    /// <summary>
    /// One row per region: id, key range, epoch, peers and leader; with <paramref name="operators"/>,
    /// a last column with each region's operator ("none" for a region without one).
    /// </summary>
    public static Table Regions(IEnumerable<RegionView> regions, IReadOnlyDictionary<ulong, OperatorView>? operators = null)
    {
        ArgumentNullException.ThrowIfNull(regions);
        List<TableColumn> columns = [Right("region"), Left("start key"), Left("end key"), Right("version"), Right("conf_ver"), Left("peers (id@store)"), Left("leader")];
        if (operators is not null)
        {
            columns.Add(Left("operator"));
        }

        var table = Columns([.. columns]);
        foreach (var region in regions)
        {
            var meta = region.Meta;
            List<string> cells =
            [
                Id(meta.Id),
                Key(meta.StartKey, "(min)"),
                Key(meta.EndKey, "(max)"),
                Id(meta.RegionEpoch?.Version ?? 0),
                Id(meta.RegionEpoch?.ConfVer ?? 0),
                string.Join(", ", meta.Peers.Select(Peer)),
                region.Leader is { } leader ? Peer(leader) : "-",
            ];
            if (operators is not null)
            {
                cells.Add(operators.TryGetValue(meta.Id, out var op) ? $"{op.Status} {op.Description} ({op.Kind})" : "none");
            }

            table.AddRow(Cells([.. cells]));
        }

        return table;
    }

    /// <summary>One row per operator: its region, status, description and kind.</summary>
    public static Table Operators(IEnumerable<OperatorView> operators)
    {
        ArgumentNullException.ThrowIfNull(operators);
        var table = Columns(Right("region"), Left("status"), Left("description"), Left("kind"));
        foreach (var op in operators)
        {
            table.AddRow(Cells(Id(op.RegionId), op.Status.ToString(), op.Description, op.Kind));
        }

        return table;
    }

    /// <summary>A peer as <c>id@store</c>: peer 7 on store 2 is <c>7@2</c>.</summary>
    public static string Peer(Peer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return $"{peer.Id}@{peer.StoreId}";
    }

    /// <summary>A byte count in binary units: <c>512 B</c>, <c>1.5 KiB</c>, <c>1000.0 MiB</c>.</summary>
    public static string Size(ulong bytes)
    {
        string[] units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        if (bytes < 1024)
        {
            return $"{bytes} B";
        }

        var value = (double)bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }

    /// <summary>
    /// When the store's last heartbeat says its statistics end (UTC), "never" before the first
    /// heartbeat, "(not reported)" when the store left the time out.
    /// </summary>
    public static string LastHeartbeat(StoreStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        if (stats.StoreId == 0)
        {
            return "never";
        }

        return stats.Interval is { EndTimestamp: > 0 and <= MaxUnixSeconds } interval
            ? DateTimeOffset.FromUnixTimeSeconds((long)interval.EndTimestamp).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : "(not reported)";
    }

    // A store that does not measure its disk (or has not sent a heartbeat yet) reports 0.
    private static string Reported(ulong bytes) => bytes == 0 ? "-" : Size(bytes);

    private static string Key(ByteString key, string whenEmpty) => key.IsEmpty ? whenEmpty : ByteText.Show(key.Span);

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);

    private static TableColumn Left(string header) => new TableColumn(new Text(header)).LeftAligned();

    private static TableColumn Right(string header) => new TableColumn(new Text(header)).RightAligned();

    private static Table Columns(params TableColumn[] columns)
    {
        var table = new Table();
        foreach (var column in columns)
        {
            table.AddColumn(column);
        }

        return table;
    }

    private static IAnsiConsole Console(TextWriter output, bool plain) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
        ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        Interactive = InteractionSupport.No,
    });

    // Text, not markup: a key may hold '[' and ']'.
    private static IRenderable[] Cells(params string[] cells) => [.. cells.Select(c => new Text(c))];
}
