using System.CommandLine;
using Google.Protobuf;

namespace TinyKv.Ctl;

/// <summary>
/// <c>tinykv-ctl scheduler …</c>: what a <c>tinyscheduler-server</c> knows of the cluster — its
/// stores, its regions and the operators it runs — as tables. Each command only reads.
/// </summary>
/// <remarks>
/// Exit codes: 0 when the answer was printed (a region without an operator included), 1 when the
/// query failed — the scheduler cannot be reached, its cluster is not bootstrapped, the region is
/// unknown, a key is malformed — with one line on standard error saying why.
/// </remarks>
public static class SchedulerCommands
{
    /// <summary>The address <c>tinyscheduler-server</c> listens on by default.</summary>
    public const string DefaultAddress = "127.0.0.1:2379";

    /// <summary>
    /// The <c>scheduler</c> command and its subcommands; <paramref name="hex"/> is tinykv-ctl's
    /// <c>--hex</c>, which <c>--start</c> follows, and <paramref name="address"/> its <c>--scheduler</c>
    /// (<see cref="DefaultAddress"/> when not given).
    /// </summary>
    public static Command Create(Option<bool> hex, Option<string?> address)
    {
        ArgumentNullException.ThrowIfNull(hex);
        ArgumentNullException.ThrowIfNull(address);

        var stores = new Command("stores", "List the stores: address, state, regions and leaders (from the scheduler's region map), disk figures and time of the last store heartbeat");
        stores.SetAction((parse, token) => RunAsync(parse, address, async (scheduler, output) =>
        {
            var views = await scheduler.GetStoresAsync(token).ConfigureAwait(false);
            output.Table(SchedulerTables.Stores(views));
            output.Note($"({views.Count} stores)");
            return 0;
        }, token));

        var start = new Option<string>("--start") { Description = "List from the region holding this key (default: the first region)", DefaultValueFactory = _ => "" };
        var limit = new Option<uint>("--limit") { Description = "Most regions to list (0: all)", DefaultValueFactory = _ => 100 };
        var regions = new Command("regions", "List regions in key order: key range, epoch, peers (id@store) and leader") { start, limit };
        regions.SetAction((parse, token) => RunAsync(parse, address, async (scheduler, output) =>
        {
            var startKey = ByteString.CopyFrom(ByteText.Parse(parse.GetValue(start)!, parse.GetValue(hex)));
            var views = await scheduler.ScanRegionsAsync(startKey, Limit(parse.GetValue(limit)), token).ConfigureAwait(false);
            output.Table(SchedulerTables.Regions(views));
            output.Note($"({views.Count} regions)");
            return 0;
        }, token));

        var regionId = new Argument<ulong>("region-id") { Description = "The region's id" };
        var region = new Command("region", "Show one region, with its operator if it has one") { regionId };
        region.SetAction((parse, token) => RunAsync(parse, address, async (scheduler, output) =>
        {
            var id = parse.GetValue(regionId);
            var view = await scheduler.GetRegionAsync(id, token).ConfigureAwait(false) ?? throw UnknownRegion(id);
            var op = await scheduler.GetOperatorAsync(id, token).ConfigureAwait(false);
            var operators = new Dictionary<ulong, OperatorView>();
            if (op is not null)
            {
                operators[id] = op;
            }

            output.Table(SchedulerTables.Regions([view], operators));
            return 0;
        }, token));

        var operatorLimit = new Option<uint>("--limit") { Description = "Most regions to ask about, in key order (0: all)", DefaultValueFactory = _ => 0 };
        var operators = new Command("operators", "List the running and recently ended operators, asking the scheduler about each region") { operatorLimit };
        operators.SetAction((parse, token) => RunAsync(parse, address, async (scheduler, output) =>
        {
            var asked = await scheduler.ScanRegionsAsync(ByteString.Empty, Limit(parse.GetValue(operatorLimit)), token).ConfigureAwait(false);
            var found = await scheduler.GetOperatorsAsync(asked, token).ConfigureAwait(false);
            output.Table(SchedulerTables.Operators(found));
            output.Note($"({found.Count} operators among {asked.Count} regions)");
            return 0;
        }, token));

        var operatorRegion = new Argument<ulong>("region-id") { Description = "The region's id" };
        var @operator = new Command("operator", "Show the running or recently ended operator of one region") { operatorRegion };
        @operator.SetAction((parse, token) => RunAsync(parse, address, async (scheduler, output) =>
        {
            // GetOperator answers the same for an unknown region and for one without an operator: tell them apart.
            var id = parse.GetValue(operatorRegion);
            _ = await scheduler.GetRegionAsync(id, token).ConfigureAwait(false) ?? throw UnknownRegion(id);
            if (await scheduler.GetOperatorAsync(id, token).ConfigureAwait(false) is not { } op)
            {
                output.Line($"region {id} has no operator");
                return 0;
            }

            output.Table(SchedulerTables.Operators([op]));
            return 0;
        }, token));

        return new Command("scheduler", $"Look at a tinyscheduler-server (--scheduler, default {DefaultAddress}): its stores, regions and operators")
        {
            stores,
            regions,
            region,
            operators,
            @operator,
        };
    }

    private static int Limit(uint limit) => (int)Math.Min(limit, int.MaxValue);

    private static SchedulerQueryException UnknownRegion(ulong id) => new($"region {id} not found: the scheduler has not heard of it");

    private static async Task<int> RunAsync(ParseResult parse, Option<string?> address, Func<SchedulerConnection, Output, Task<int>> query, CancellationToken cancellationToken)
    {
        try
        {
            using var scheduler = await SchedulerConnection.ConnectAsync(parse.GetValue(address) ?? DefaultAddress, cancellationToken).ConfigureAwait(false);
            return await query(scheduler, new Output(Console.Out, Console.Error, Console.IsOutputRedirected)).ConfigureAwait(false);
        }
        catch (SchedulerQueryException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Where a command prints: tables and lines to standard output, notes (counts) to standard error.</summary>
    private sealed class Output(TextWriter output, TextWriter error, bool plain)
    {
        public void Table(Spectre.Console.Table table) => SchedulerTables.Write(output, table, plain);

        public void Line(string line) => output.WriteLine(line);

        public void Note(string note) => error.WriteLine(note);
    }
}
