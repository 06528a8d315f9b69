using FluentAssertions;
using Xunit;

namespace TinyKv.Bench.Tests;

/// <summary>The <c>run</c> command line turns into bounded options, and out-of-range values are refused with the option's name.</summary>
public sealed class RunOptionsTests
{
    [Fact]
    public void Run_without_options_takes_the_documented_defaults()
    {
        var options = Parse("run");

        options.Target.Should().Be(TargetKind.TinyKv);
        options.Workload.Should().Be(Workload.Put);
        options.Endpoints.ToString().Should().Be("127.0.0.1:20160");
        options.KeySize.Should().Be(16);
        options.ValueSize.Should().Be(256);
        options.Duration.Should().Be(TimeSpan.FromSeconds(10));
        options.MaxOperations.Should().Be(1_000_000);
        options.Warmup.Should().Be(TimeSpan.FromSeconds(2));
        options.Deadline.Should().Be(TimeSpan.FromSeconds(5));
        options.Preload.Should().BeFalse();
        options.ServerPids.Should().BeEmpty();
    }

    [Fact]
    public void Every_option_is_read_and_server_pid_repeats()
    {
        var options = Parse(
            "run", "--target", "etcd", "--endpoints", "127.0.0.1:2379,127.0.0.1:22379", "--workload", "mixed", "--read-fraction", "0.9",
            "--key-size", "32", "--value-size", "1024", "--keys", "500", "--clients", "64", "--connections", "8", "--duration", "3.5",
            "--max-ops", "5000", "--warmup", "0", "--preload", "--deadline", "0.25", "--max-retries", "2",
            "--server-pid", "41", "--server-pid", "42", "--seed", "7", "--json", "out.json");

        options.Target.Should().Be(TargetKind.Etcd);
        options.Endpoints.All.Select(e => e.Address).Should().Equal("127.0.0.1:2379", "127.0.0.1:22379");
        options.Workload.Should().Be(Workload.Mixed);
        options.ReadFraction.Should().Be(0.9);
        (options.KeySize, options.ValueSize, options.Keys, options.Clients, options.Connections).Should().Be((32, 1024, 500, 64, 8));
        options.Duration.Should().Be(TimeSpan.FromSeconds(3.5));
        options.MaxOperations.Should().Be(5000);
        options.Warmup.Should().Be(TimeSpan.Zero);
        options.Preload.Should().BeTrue();
        options.Deadline.Should().Be(TimeSpan.FromMilliseconds(250));
        options.MaxRetries.Should().Be(2);
        options.ServerPids.Should().Equal(41, 42);
        options.Seed.Should().Be(7);
        options.JsonPath.Should().Be("out.json");
    }

    [Fact]
    public void Cluster_endpoints_carry_store_ids_like_the_server_cluster_flag()
    {
        var options = Parse("run", "--endpoints", "1=127.0.0.1:20160,2=127.0.0.1:20161,3=127.0.0.1:20162");

        options.Endpoints.All.Select(e => e.StoreId).Should().Equal(1UL, 2UL, 3UL);
        options.Endpoints.IndexOfStore(2).Should().Be(1);
        options.Endpoints.IndexOfStore(9).Should().Be(-1);
    }

    [Theory]
    [InlineData("--clients", "0", "--clients")]
    [InlineData("--clients", "5000", "--clients")]
    [InlineData("--connections", "0", "--connections")]
    [InlineData("--duration", "0", "--duration")]
    [InlineData("--duration", "-1", "--duration")]
    [InlineData("--max-ops", "0", "--max-ops")]
    [InlineData("--deadline", "0", "--deadline")]
    [InlineData("--read-fraction", "1.5", "--read-fraction")]
    [InlineData("--value-size", "-1", "--value-size")]
    [InlineData("--max-retries", "-1", "--max-retries")]
    [InlineData("--server-pid", "0", "--server-pid")]
    public void An_out_of_range_value_is_refused_naming_the_option(string option, string value, string named)
    {
        var act = () => Parse("run", option, value);

        act.Should().Throw<ArgumentException>().WithMessage($"*{named}*");
    }

    [Fact]
    public void A_key_size_too_small_for_the_key_count_is_refused()
    {
        var act = () => Parse("run", "--keys", "100000", "--key-size", "4");

        act.Should().Throw<ArgumentException>().WithMessage("*--key-size 4 is too small for 100000 keys*6 bytes*");
    }

    [Theory]
    [InlineData("--workload", "scan")]
    [InlineData("--target", "redis")]
    [InlineData("--clients", "many")]
    public void An_unknown_choice_is_a_parse_error(string option, string value)
    {
        var command = new RunCommand();

        command.Command.Parse(["run", option, value]).Errors.Should().NotBeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("1=127.0.0.1:20160,127.0.0.1:20161")]
    [InlineData("1=127.0.0.1:20160,1=127.0.0.1:20161")]
    [InlineData("0=127.0.0.1:20160")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    public void A_malformed_endpoint_list_is_refused(string endpoints)
    {
        var act = () => EndpointList.Parse(endpoints);

        act.Should().Throw<FormatException>();
    }

    [Fact]
    public void Scheduler_addresses_make_a_run_through_the_region_aware_client()
    {
        var options = Parse("run", "--scheduler", "127.0.0.1:2379,127.0.0.1:22379", "--workload", "txn");

        options.Schedulers.Should().Equal(new Uri("http://127.0.0.1:2379"), new Uri("http://127.0.0.1:22379"));
        options.Workload.Should().Be(Workload.Txn);
        options.TxnKeys.Should().Be(2);
    }

    [Fact]
    public void Scheduler_and_endpoints_together_are_refused()
    {
        var act = () => Parse("run", "--scheduler", "127.0.0.1:2379", "--endpoints", "127.0.0.1:20160");

        act.Should().Throw<ArgumentException>().WithMessage("--scheduler and --endpoints exclude each other*");
    }

    [Fact]
    public void Scheduler_with_the_etcd_target_is_refused()
    {
        var act = () => Parse("run", "--target", "etcd", "--scheduler", "127.0.0.1:2379");

        act.Should().Throw<ArgumentException>().WithMessage("--scheduler needs --target tinykv*");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:http")]
    [InlineData(",")]
    [InlineData("1=127.0.0.1:2379")]
    public void A_malformed_scheduler_address_is_refused(string scheduler)
    {
        var act = () => Parse("run", "--scheduler", scheduler);

        act.Should().Throw<FormatException>().WithMessage("--scheduler: *host:port*");
    }

    [Theory]
    [InlineData("--scheduler", "127.0.0.1:2379", "--endpoints", "127.0.0.1:20160")]
    [InlineData("--scheduler", "127.0.0.1", "--max-ops", "1")]
    public async Task A_refused_scheduler_option_exits_with_code_2_before_sending(params string[] arguments)
    {
        var command = new RunCommand();

        var exitCode = await command.Command.Parse(["run", .. arguments]).InvokeAsync();

        exitCode.Should().Be(2);
    }

    [Fact]
    public void Keys_have_the_key_size_start_with_k_and_differ()
    {
        var keys = new KeySpace(1000, 16);

        keys.Key(42).Should().Equal("k000000000000042"u8.ToArray());
        Enumerable.Range(0, 1000).Select(i => Convert.ToHexString(keys.Key(i))).Should().OnlyHaveUniqueItems();
        KeySpace.MinimumKeySize(1000).Should().Be(4);
    }

    private static BenchOptions Parse(params string[] args)
    {
        var command = new RunCommand();
        var parse = command.Command.Parse(args);
        parse.Errors.Should().BeEmpty();
        return command.ToOptions(parse);
    }
}
