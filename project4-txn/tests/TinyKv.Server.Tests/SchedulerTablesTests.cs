using FluentAssertions;
using Google.Protobuf;
using TinyKv.Ctl;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>How <c>tinykv-ctl scheduler</c> formats what it prints: sizes, heartbeat times, keys, plain tables.</summary>
public sealed class SchedulerTablesTests
{
    [Theory]
    [InlineData(0UL, "0 B")]
    [InlineData(1023UL, "1023 B")]
    [InlineData(1536UL, "1.5 KiB")]
    [InlineData(1000UL << 20, "1000.0 MiB")]
    [InlineData(3UL << 40, "3.0 TiB")]
    [InlineData(ulong.MaxValue, "16.0 EiB")]
    public void Size_is_shown_in_binary_units(ulong bytes, string shown) =>
        SchedulerTables.Size(bytes).Should().Be(shown);

    [Fact]
    public void Last_heartbeat_is_never_before_the_first_and_not_reported_without_a_time()
    {
        SchedulerTables.LastHeartbeat(new StoreStats()).Should().Be("never");
        SchedulerTables.LastHeartbeat(new StoreStats { StoreId = 1 }).Should().Be("(not reported)");
        SchedulerTables.LastHeartbeat(new StoreStats { StoreId = 1, Interval = new TimeInterval { EndTimestamp = ulong.MaxValue } }).Should().Be("(not reported)");
        SchedulerTables.LastHeartbeat(new StoreStats { StoreId = 1, Interval = new TimeInterval { EndTimestamp = 1_796_126_400 } }).Should().Be("2026-12-01 12:00:00Z");
    }

    [Fact]
    public void A_plain_table_is_markdown_with_no_blank_lines_and_keys_printed_as_they_are()
    {
        var region = new Region
        {
            Id = 7,
            StartKey = ByteString.CopyFromUtf8("[red]a"),
            EndKey = ByteString.CopyFrom(0x00, 0x01),
            RegionEpoch = new RegionEpoch { Version = 5, ConfVer = 6 },
            Peers = { new Peer { Id = 8, StoreId = 2 } },
        };
        using var output = new StringWriter();

        SchedulerTables.Write(output, SchedulerTables.Regions([new RegionView(region, Leader: null)]), plain: true);

        output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "| region | start key | end key | version | conf_ver | peers (id@store) | leader |",
            "| -----: | :-------- | :------ | ------: | -------: | :--------------- | :----- |",
            "|      7 | [red]a    | 0x0001  |       5 |        6 | 8@2              | -      |");
        output.ToString().Should().NotContain("\n\n").And.NotStartWith(Environment.NewLine);
    }
}
