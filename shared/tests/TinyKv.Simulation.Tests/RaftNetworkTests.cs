using FluentAssertions;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft.Testing;
using Xunit;

namespace TinyKv.Simulation.Tests;

/// <summary>
/// The Raft tests' network delivers until quiet, but never for ever: an exchange that does not
/// end fails the test with the last messages and a pointer into the handout.
/// </summary>
public sealed class RaftNetworkTests
{
    [Fact]
    public void Two_peers_that_answer_every_message_fail_the_send_instead_of_hanging_it()
    {
        var network = new RaftNetwork(Echo(), Echo()) { MaxDeliveries = 500 };

        var send = () => network.Send(Heartbeat(1, 2));

        var failure = send.Should().Throw<NetworkNotQuietException>().Which;
        failure.Message.Should().Contain("did not go quiet: one Send delivered 500 messages")
            .And.Contain("MsgHeartbeat 1->2 term 7").And.Contain("MsgHeartbeat 2->1 term 7")
            .And.Contain("docs/stage2a.md#hints-and-traps");
        failure.Message.Split('\n').Count(l => l.StartsWith("  MsgHeartbeat", StringComparison.Ordinal)).Should().Be(NetworkNotQuietException.Shown);
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(101, true)]
    public void An_exchange_of_exactly_the_limit_ends_quietly_and_one_more_message_fails(int messages, bool fails)
    {
        var left = messages - 1; // the first message is the test's
        NetworkPeer Countdown() => NetworkPeer.Scripted(m => left-- > 0 ? [Heartbeat(m.To, m.From)] : []);
        var network = new RaftNetwork(Countdown(), Countdown()) { MaxDeliveries = 100 };

        var send = () => network.Send(Heartbeat(1, 2));

        if (fails)
        {
            send.Should().Throw<NetworkNotQuietException>();
        }
        else
        {
            send.Should().NotThrow();
        }
    }

    private static NetworkPeer Echo() => NetworkPeer.Scripted(m => [Heartbeat(m.To, m.From)]);

    private static Message Heartbeat(ulong from, ulong to) => new() { MsgType = MessageType.MsgHeartbeat, From = from, To = to, Term = 7 };
}
