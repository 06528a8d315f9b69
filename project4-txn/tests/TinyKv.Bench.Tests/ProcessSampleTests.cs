using FluentAssertions;
using TinyKv.Bench.Measurement;
using Xunit;

namespace TinyKv.Bench.Tests;

/// <summary>Server CPU time and peak memory are read from /proc and turned into CPU per operation.</summary>
public sealed class ProcessSampleTests
{
    // Fields 14 and 15 (utime 250, stime 50 ticks) after a command name holding spaces and parentheses.
    private const string Stat = "4242 (tinykv (srv) x) S 1 4242 4242 0 -1 4194560 1500 0 0 0 250 50 0 0 20 0 12 0 9000 300000000 30000 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    [Fact]
    public void Cpu_time_is_utime_plus_stime_counted_after_the_command_name()
    {
        ProcessSample.ParseCpuMicros(Stat).Should().Be(3_000_000);
    }

    [Fact]
    public void A_stat_line_without_the_command_name_is_refused()
    {
        var act = () => ProcessSample.ParseCpuMicros("4242 S 1 2 3");

        act.Should().Throw<FormatException>();
    }

    [Fact]
    public void Peak_memory_is_vmhwm_in_kib()
    {
        const string status = "Name:\ttinykv-server\nVmPeak:\t  900000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t  100000 kB\n";

        ProcessSample.ParsePeakRssKib(status).Should().Be(123_456);
        ProcessSample.ParsePeakRssKib("Name:\tkthread\n").Should().BeNull();
    }

    [Fact]
    public void This_process_can_be_read_on_linux()
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return; // Not Linux: /proc is what is being read.
        }

        var sample = ProcessSample.Read(Environment.ProcessId);

        sample.Should().NotBeNull();
        sample!.CpuMicros.Should().BeGreaterThanOrEqualTo(0);
        sample.PeakRssKib.Should().BePositive();
    }

    [Fact]
    public void A_process_that_is_gone_reads_as_null()
    {
        ProcessSample.Read(int.MaxValue).Should().BeNull();
    }

    [Fact]
    public void The_meter_divides_the_cpu_used_in_the_window_by_the_operations()
    {
        var cpu = new Dictionary<int, long> { [10] = 1_000, [11] = 5_000 };
        var meter = new ServerMeter([10, 11], pid => new ProcessSample(pid, cpu[pid], 2048));
        meter.Start();
        cpu[10] += 3_000;
        cpu[11] += 1_000;

        var usage = meter.Stop();

        usage.Should().Equal(new ServerUsage(10, 3_000, 2048), new ServerUsage(11, 1_000, 2048));
        ServerMeter.CpuMicrosPerOperation(usage, 100).Should().Be(40);
    }

    [Fact]
    public void The_meter_gives_no_cpu_per_operation_when_a_server_could_not_be_read()
    {
        var meter = new ServerMeter([10], _ => null);
        meter.Start();

        var usage = meter.Stop();

        usage.Should().Equal(new ServerUsage(10, null, null));
        ServerMeter.CpuMicrosPerOperation(usage, 100).Should().BeNull();
    }
}
