using FluentAssertions;
using TinyKv.Proto.Eraftpb;
using TinyKv.TestKit.Simulation;
using Xunit;

namespace TinyKv.Simulation.Tests;

public sealed class SimulatedNetworkTests
{
    private const long Latency = 1_000;

    private sealed record Received(long Time, ulong At, Message Message);

    private static (Simulator Sim, SimulatedNetwork<Message> Net, List<Received> Inbox) Cluster(
        int nodes = 3,
        long? seed = null,
        [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var sim = Sim.Create<SimulatedNetworkTests>(seed, test: test);
        var net = new SimulatedNetwork<Message>(sim, Latency);
        var inbox = new List<Received>();
        for (var id = 1UL; id <= (ulong)nodes; id++)
        {
            var at = id;
            net.Register(at, message => inbox.Add(new Received(sim.Now, at, message)));
        }

        return (sim, net, inbox);
    }

    private static Message Msg(ulong from, ulong to, ulong index = 0) =>
        new() { MsgType = MessageType.MsgAppend, From = from, To = to, Term = 1, Index = index };

    private static void SendAll(SimulatedNetwork<Message> net, int count, ulong from = 1, ulong to = 2)
    {
        for (var i = 0; i < count; i++)
        {
            net.Send(from, to, Msg(from, to, (ulong)i));
        }
    }

    [Fact]
    public void Delivers_a_fresh_copy_after_the_base_latency()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;
        var sent = Msg(1, 2, 5);
        sent.Entries.Add(new Entry { Term = 1, Index = 5, Data = Google.Protobuf.ByteString.CopyFromUtf8("x") });

        net.Send(1, 2, sent).Should().BeTrue();
        sim.RunUntilIdle(10);

        inbox.Should().ContainSingle();
        inbox[0].Time.Should().Be(Latency);
        inbox[0].At.Should().Be(2);
        inbox[0].Message.Should().Be(sent).And.NotBeSameAs(sent);
    }

    [Fact]
    public void Message_is_copied_whole_at_send_so_later_changes_do_not_travel()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;
        var sent = Msg(1, 2, 5);
        sent.Entries.Add(new Entry { Term = 1, Index = 5 });

        net.Send(1, 2, sent);
        sent.Index = 99;
        sent.Entries[0].Term = 7; // nested: the copy is deep
        sent.Entries.Add(new Entry { Term = 1, Index = 6 });
        sim.RunUntilIdle(10);

        var got = inbox.Single().Message;
        got.Index.Should().Be(5);
        got.Entries.Should().ContainSingle().Which.Term.Should().Be(1);
    }

    [Fact]
    public void Messages_on_a_reliable_link_arrive_in_order()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;

        SendAll(net, 20);
        sim.RunUntilIdle(100);

        inbox.Select(r => r.Message.Index).Should().Equal(Enumerable.Range(0, 20).Select(i => (ulong)i));
    }

    [Fact]
    public void Message_to_a_node_without_endpoint_is_lost()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;

        net.Send(1, 2, Msg(1, 2));
        net.Unregister(2).Should().BeTrue();
        net.Send(1, 9, Msg(1, 9));
        sim.RunUntilIdle(10);

        inbox.Should().BeEmpty();
        net.Lost.Should().Be(2);
    }

    [Fact]
    public void Every_send_drop_and_delivery_is_in_the_trace()
    {
        var (sim, net, _) = Cluster();
        using var __ = sim;
        net.Send(1, 2, Msg(1, 2));
        net.Isolate(3);
        net.Send(1, 3, Msg(1, 3));

        sim.RunUntilIdle(10);

        var lines = sim.Trace.Tail(10);
        lines.Should().HaveCount(5);
        lines[0].Should().Contain("net.send #1 1->2").And.Contain("MsgAppend");
        lines[1].Should().Contain("net.filter add IsolateFilter on all");
        lines[2].Should().Contain("net.send #2 1->3");
        lines[3].Should().Contain("net.drop #2 1->3 by isolate 3");
        lines[4].Should().Be("        1000 net.deliver #1 1->2");
    }

    [Fact]
    public void Partition_blocks_messages_across_groups_and_heals_when_removed()
    {
        var (sim, net, inbox) = Cluster(nodes: 5);
        using var _ = sim;
        var partition = net.Partition([1, 2], [3, 4, 5]);

        net.Send(1, 2, Msg(1, 2)).Should().BeTrue();
        net.Send(3, 5, Msg(3, 5)).Should().BeTrue();
        net.Send(1, 3, Msg(1, 3)).Should().BeFalse();
        net.Send(4, 2, Msg(4, 2)).Should().BeFalse();
        sim.RunUntilIdle(10);

        inbox.Select(r => (r.Message.From, r.At)).Should().Equal((1UL, 2UL), (3UL, 5UL));

        net.RemoveFilter(partition).Should().BeTrue();
        net.Send(1, 3, Msg(1, 3)).Should().BeTrue();
        sim.RunUntilIdle(10);

        inbox.Should().HaveCount(3);
        inbox[^1].At.Should().Be(3);
    }

    [Fact]
    public void Node_outside_every_group_talks_to_both_sides()
    {
        var (sim, net, inbox) = Cluster(nodes: 3);
        using var _ = sim;
        net.Partition([1], [2]);

        net.Send(3, 1, Msg(3, 1)).Should().BeTrue();
        net.Send(2, 3, Msg(2, 3)).Should().BeTrue();
        net.Send(1, 2, Msg(1, 2)).Should().BeFalse();
        sim.RunUntilIdle(10);

        inbox.Should().HaveCount(2);
    }

    [Fact]
    public void Partition_rejects_a_node_in_two_groups()
    {
        var act = () => new PartitionFilter([1, 2], [2, 3]);

        act.Should().Throw<ArgumentException>().WithMessage("*node 2*");
    }

    [Fact]
    public void Isolate_drops_everything_to_and_from_the_store()
    {
        var (sim, net, inbox) = Cluster(nodes: 3);
        using var _ = sim;
        net.Isolate(3);

        net.Send(1, 3, Msg(1, 3)).Should().BeFalse();
        net.Send(3, 2, Msg(3, 2)).Should().BeFalse();
        net.Send(1, 2, Msg(1, 2)).Should().BeTrue();
        net.Send(2, 1, Msg(2, 1)).Should().BeTrue();
        sim.RunUntilIdle(10);

        inbox.Select(r => r.At).Should().Equal(2UL, 1UL);
        net.Dropped.Should().Be(2);
    }

    [Fact]
    public void Drop_fraction_drops_about_that_fraction()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;
        net.DropFraction(0.3);

        SendAll(net, 10_000);
        sim.RunUntilIdle(20_000);

        // 0.3 ± 3%: about 6.5 standard deviations, so no seed fails this by chance.
        net.Dropped.Should().BeInRange(2_700, 3_300);
        inbox.Should().HaveCount((int)(10_000 - net.Dropped));
    }

    [Fact]
    public void Drop_fraction_one_drops_all_and_zero_none()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;
        var all = net.DropFraction(1);
        SendAll(net, 100);
        net.RemoveFilter(all);
        net.DropFraction(0);
        SendAll(net, 100);

        sim.RunUntilIdle(1_000);

        inbox.Should().HaveCount(100);
    }

    [Fact]
    public void Delay_adds_a_delay_within_its_range()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;
        net.Delay(5_000, 9_000);

        SendAll(net, 500);
        sim.RunUntilIdle(1_000);

        inbox.Should().HaveCount(500);
        inbox.Select(r => r.Time).Should().OnlyContain(t => t >= Latency + 5_000 && t <= Latency + 9_000);
        inbox.Select(r => r.Time).Distinct().Should().HaveCountGreaterThan(100);
    }

    [Fact]
    public void Delay_lets_later_messages_overtake_earlier_ones()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;
        net.Delay(0, 10_000);

        SendAll(net, 100);
        sim.RunUntilIdle(1_000);

        var order = inbox.Select(r => r.Message.Index).ToList();
        order.Should().BeEquivalentTo(Enumerable.Range(0, 100).Select(i => (ulong)i));
        order.Should().NotBeInAscendingOrder();
    }

    [Fact]
    public void Reorder_lets_later_messages_overtake_earlier_ones()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;
        net.Reorder(5_000);

        for (var i = 0; i < 100; i++)
        {
            net.Send(1, 2, Msg(1, 2, (ulong)i));
            sim.RunFor(100);
        }

        sim.RunUntilIdle(1_000);

        var order = inbox.Select(r => r.Message.Index).ToList();
        order.Should().BeEquivalentTo(Enumerable.Range(0, 100).Select(i => (ulong)i));
        order.Should().NotBeInAscendingOrder();
        inbox.Select(r => r.Time).Should().BeInAscendingOrder();
    }

    [Fact]
    public void Duplicate_delivers_a_message_twice()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;
        net.Duplicate(1, 2_000);

        net.Send(1, 2, Msg(1, 2, 7));
        sim.RunUntilIdle(10);

        inbox.Should().HaveCount(2);
        inbox.Select(r => r.Message).Should().AllBeEquivalentTo(Msg(1, 2, 7));
        inbox[0].Message.Should().NotBeSameAs(inbox[1].Message);
        inbox[1].Time.Should().BeInRange(Latency, Latency + 2_000);
        sim.Trace.Tail(1).Single().Should().EndWith("copy 1");
    }

    [Fact]
    public void Duplicate_probability_duplicates_about_that_fraction()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;
        net.Duplicate(0.2, 1_000);

        SendAll(net, 5_000);
        sim.RunUntilIdle(20_000);

        inbox.Count.Should().BeInRange(5_000 + 850, 5_000 + 1_150);
    }

    [Fact]
    public void Link_filter_only_affects_its_directed_link()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;
        net.AddFilter(1, 2, new IsolateFilter(2));

        net.Send(1, 2, Msg(1, 2)).Should().BeFalse();
        net.Send(2, 1, Msg(2, 1)).Should().BeTrue();
        net.Send(3, 2, Msg(3, 2)).Should().BeTrue();
        sim.RunUntilIdle(10);

        inbox.Should().HaveCount(2);
    }

    [Fact]
    public void Message_filter_drops_what_its_predicate_picks()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;
        net.AddFilter(new MessageFilter<Message>("no-votes", (_, _, m) => m.MsgType == MessageType.MsgRequestVote));

        net.Send(1, 2, new Message { MsgType = MessageType.MsgRequestVote, From = 1, To = 2 }).Should().BeFalse();
        net.Send(1, 2, Msg(1, 2)).Should().BeTrue();
        sim.RunUntilIdle(10);

        inbox.Single().Message.MsgType.Should().Be(MessageType.MsgAppend);
        sim.Trace.Tail(3)[0].Should().EndWith("by no-votes");
    }

    [Fact]
    public void Filters_compose_and_clear()
    {
        var (sim, net, inbox) = Cluster(nodes: 4);
        using var _ = sim;
        net.Partition([1, 2], [3, 4]);
        net.Delay(2_000, 2_000);

        net.Send(1, 3, Msg(1, 3)).Should().BeFalse();
        net.Send(1, 2, Msg(1, 2)).Should().BeTrue();
        sim.RunUntilIdle(10);
        inbox.Single().Time.Should().Be(Latency + 2_000);

        net.ClearFilters();
        var sentAt = sim.Now;
        net.Send(1, 3, Msg(1, 3)).Should().BeTrue();
        sim.RunUntilIdle(10);

        inbox[^1].Time.Should().Be(sentAt + Latency);
    }

    [Fact]
    public void Filters_apply_at_send_time_not_to_messages_in_flight()
    {
        var (sim, net, inbox) = Cluster();
        using var _ = sim;

        net.Send(1, 2, Msg(1, 2));
        net.Isolate(2);
        sim.RunUntilIdle(10);

        inbox.Should().ContainSingle();
    }

    [Fact]
    public void Registering_a_node_twice_is_rejected()
    {
        var (sim, net, _) = Cluster();
        using var __ = sim;

        var act = () => net.Register(1, _ => { });

        act.Should().Throw<InvalidOperationException>().WithMessage("*node 1*");
    }
}
