using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using Xunit;

namespace TinyKv.Common.Tests;

public sealed class FreePortsTests
{
    [Theory]
    [InlineData("32768\t60999\n", 32768)]
    [InlineData("1024 65000", 1024)]
    [InlineData(null, 32768)]
    [InlineData("", 32768)]
    [InlineData("ports", 32768)]
    [InlineData("-5 10", 32768)]
    [InlineData("70000 80000", 32768)]
    public void The_ephemeral_range_is_read_as_linux_writes_it_and_anything_else_is_the_common_default(string? range, int low) =>
        FreePorts.EphemeralLow(range).Should().Be(low);

    [Fact]
    public void Ports_are_distinct_free_and_below_the_ephemeral_range()
    {
        var ports = FreePorts.Take(20, "40000\t60999");

        ports.Should().HaveCount(20).And.OnlyHaveUniqueItems();
        ports.Should().OnlyContain(p => p >= FreePorts.Lowest && p < 40000);
        foreach (var port in ports)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
    }

    [Fact]
    public void A_port_in_use_is_never_handed_out_and_the_one_left_free_is_found()
    {
        // A range of one hundred ports, all held but one: that one is the answer, every time.
        const int size = 100;
        var held = new List<TcpListener>();
        var free = new List<int>();
        try
        {
            for (var port = FreePorts.Lowest; port < FreePorts.Lowest + size; port++)
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                try
                {
                    listener.Start();
                    held.Add(listener);
                }
                catch (SocketException)
                {
                    listener.Dispose(); // held by something else: as good for this test
                }
            }

            held.Should().NotBeEmpty();
            var left = held[^1];
            free.Add(((IPEndPoint)left.LocalEndpoint).Port);
            left.Stop();
            held.RemoveAt(held.Count - 1);

            for (var i = 0; i < 5; i++)
            {
                FreePorts.Take(1, $"{FreePorts.Lowest + size} 60999").Should().Equal(free);
            }

            left = new TcpListener(IPAddress.Loopback, free[0]);
            left.Start();
            held.Add(left);
            var none = () => FreePorts.Take(1, $"{FreePorts.Lowest + size} 60999");
            none.Should().Throw<InvalidOperationException>().WithMessage("only 0 of 1 ports are free*");
        }
        finally
        {
            held.ForEach(l => l.Stop());
        }
    }

    [Fact]
    public void Without_room_below_the_ephemeral_range_the_system_chooses()
    {
        var ports = FreePorts.Take(3, $"{FreePorts.Lowest + 10} 60999");

        // The system's own choice comes from its ephemeral range (Linux's is in /proc; the others start higher).
        var range = "/proc/sys/net/ipv4/ip_local_port_range";
        var ephemeralLow = FreePorts.EphemeralLow(File.Exists(range) ? File.ReadAllText(range) : null);
        ports.Should().HaveCount(3).And.OnlyHaveUniqueItems().And.OnlyContain(p => p >= ephemeralLow);
    }

    [Fact]
    public void Nothing_asked_is_nothing_taken_and_a_negative_count_is_refused()
    {
        FreePorts.Take(0).Should().BeEmpty();
        var negative = () => FreePorts.Take(-1);
        negative.Should().Throw<ArgumentOutOfRangeException>();
    }
}
