using FluentAssertions;
using Microsoft.Extensions.Logging;
using TinyKv.Server.Replication;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>The command line of a replicated server: the cluster list and how it combines with the other options.</summary>
public sealed class ReplicationOptionsTests
{
    [Fact]
    public void A_cluster_list_names_every_store_and_its_url()
    {
        var members = ClusterMembers.Parse("2=127.0.0.1:20161, 1=localhost:20160,3=127.0.0.1:20162");
        members.Stores.Keys.Should().Equal(1UL, 2UL, 3UL);
        members.Stores[1].Should().Be(new Uri("http://127.0.0.1:20160"));
        members.ToString().Should().Be("1=127.0.0.1:20160,2=127.0.0.1:20161,3=127.0.0.1:20162");
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("1=127.0.0.1:20160,1=127.0.0.1:20161", "twice")]
    [InlineData("0=127.0.0.1:20160", "above 0")]
    [InlineData("x=127.0.0.1:20160", "id=host:port")]
    [InlineData("127.0.0.1:20160", "id=host:port")]
    [InlineData("1=127.0.0.1:0", "real port")]
    [InlineData("1=nowhere:20160", "IP address")]
    public void A_bad_cluster_list_is_refused_saying_why(string text, string reason)
    {
        var parse = () => ClusterMembers.Parse(text);
        parse.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }

    [Fact]
    public void A_store_listens_on_its_own_address_from_the_cluster_list_by_default()
    {
        var options = ServerOptions.FromCommandLine(null, "data", LogLevel.Information, 2, "1=127.0.0.1:20160,2=127.0.0.1:20161", 100);
        options.IsReplicated.Should().BeTrue();
        options.StoreId.Should().Be(2);
        options.Address.Port.Should().Be(20161);
    }

    [Fact]
    public void Without_a_store_id_the_server_is_standalone()
    {
        var options = ServerOptions.FromCommandLine(null, "data", LogLevel.Information, null, null, 100);
        options.IsReplicated.Should().BeFalse();
        options.Address.Port.Should().Be(20160);
    }

    [Theory]
    [InlineData(null, 1UL, null, 100, "go together")]
    [InlineData(null, null, "1=127.0.0.1:20160", 100, "go together")]
    [InlineData(null, 3UL, "1=127.0.0.1:20160", 100, "not in the cluster list")]
    [InlineData("127.0.0.1:9999", 1UL, "1=127.0.0.1:20160", 100, "does not serve on the port")]
    [InlineData(null, 1UL, "1=127.0.0.1:20160", 0, "--raft-tick-ms")]
    public void Options_that_do_not_fit_together_are_refused(string? address, ulong? storeId, string? cluster, int tick, string reason)
    {
        var parse = () => ServerOptions.FromCommandLine(address, "data", LogLevel.Information, storeId, cluster, tick);
        parse.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }

    [Fact]
    public void With_a_scheduler_the_store_is_replicated_and_registers_its_own_address()
    {
        var options = ServerOptions.FromCommandLine("127.0.0.1:20170", "data", LogLevel.Information, null, null, 100, "127.0.0.1:2379");
        options.IsReplicated.Should().BeTrue();
        options.StoreId.Should().BeNull("the scheduler gives the id");
        options.Schedulers.Should().Equal(new Uri("http://127.0.0.1:2379"));
        options.Address.Port.Should().Be(20170);
    }

    [Theory]
    [InlineData("127.0.0.1:20170", 1UL, null, "replaces --store-id and --cluster")]
    [InlineData("127.0.0.1:20170", null, "1=127.0.0.1:20160", "replaces --store-id and --cluster")]
    [InlineData("127.0.0.1:0", null, null, "needs a real port")]
    public void A_scheduler_with_options_that_do_not_fit_is_refused(string address, ulong? storeId, string? cluster, string reason)
    {
        var parse = () => ServerOptions.FromCommandLine(address, "data", LogLevel.Information, storeId, cluster, 100, "127.0.0.1:2379");
        parse.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }

    [Fact]
    public void A_scheduler_address_that_is_not_host_and_port_is_refused()
    {
        var parse = () => ServerOptions.FromCommandLine("127.0.0.1:20170", "data", LogLevel.Information, null, null, 100, "scheduler:port");
        parse.Should().Throw<FormatException>();
    }

    [Fact]
    public void A_scheduler_patience_sets_how_long_the_store_waits_for_the_scheduler_at_start()
    {
        var options = ServerOptions.FromCommandLine("127.0.0.1:20170", "data", LogLevel.Information, null, null, 100, "127.0.0.1:2379");
        options.SchedulerPatience.Should().Be(TimeSpan.FromSeconds(10));
        options.WithSchedulerPatience(null).SchedulerPatience.Should().Be(TimeSpan.FromSeconds(10));
        options.WithSchedulerPatience(1500).SchedulerPatience.Should().Be(TimeSpan.FromMilliseconds(1500));
    }

    [Theory]
    [InlineData("127.0.0.1:2379", 0, "from 1 to 3600000, not 0")]
    [InlineData("127.0.0.1:2379", 3_600_001, "from 1 to 3600000")]
    [InlineData(null, 1000, "needs --scheduler")]
    public void A_scheduler_patience_out_of_range_or_without_a_scheduler_is_refused(string? scheduler, int patience, string reason)
    {
        var parse = () => ServerOptions.FromCommandLine("127.0.0.1:20170", "data", LogLevel.Information, null, null, 100, scheduler)
            .WithSchedulerPatience(patience);
        parse.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }
}
