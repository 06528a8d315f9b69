using FluentAssertions;
using TinyKv.Scheduler.Operators;

namespace TinyKv.Scheduler.Tests.Support;

/// <summary>Checks on the shape of the operators schedulers propose.</summary>
internal static class OperatorAssertions
{
    /// <summary>
    /// A move of a peer from store <paramref name="source"/> to store <paramref name="target"/>:
    /// add on the target, then (if the source led) hand leadership over, then remove from the source.
    /// </summary>
    public static void ShouldTransferPeer(this Operator? op, OperatorKind kind, ulong source, ulong target)
    {
        op.Should().NotBeNull($"a peer should move from store {source} to store {target}");
        op!.Steps.Should().HaveCountGreaterThanOrEqualTo(2).And.HaveCountLessThanOrEqualTo(3, op.ToString());
        op.Steps[0].Should().Be(new AddPeer(target, ((AddPeer)op.Steps[0]).PeerId), op.ToString());
        if (op.Length == 3)
        {
            op.Steps[1].Should().BeOfType<TransferLeader>().Which.FromStore.Should().Be(source, op.ToString());
            kind |= OperatorKind.Leader;
        }

        op.Steps[^1].Should().Be(new RemovePeer(source), op.ToString());
        kind |= OperatorKind.Region;
        (op.Kind & kind).Should().Be(kind, op.ToString());
    }

    /// <summary>A move that has to hand leadership over on the way: three steps.</summary>
    public static void ShouldTransferPeerWithLeaderTransfer(this Operator? op, OperatorKind kind, ulong source, ulong target)
    {
        op.Should().NotBeNull($"a peer should move from store {source} to store {target}");
        op!.Length.Should().Be(3, op.ToString());
        op.ShouldTransferPeer(kind, source, target);
    }

    /// <summary>A single leader transfer from store <paramref name="source"/> to store <paramref name="target"/>.</summary>
    public static void ShouldTransferLeader(this Operator? op, OperatorKind kind, ulong source, ulong target)
    {
        op.Should().NotBeNull($"leadership should move from store {source} to store {target}");
        op!.Steps.Should().Equal([new TransferLeader(source, target)], op.ToString());
        kind |= OperatorKind.Leader;
        (op.Kind & kind).Should().Be(kind, op.ToString());
    }

    /// <summary>A single add-peer step on store <paramref name="target"/>.</summary>
    public static void ShouldAddPeer(this Operator? op, OperatorKind kind, ulong target)
    {
        op.Should().NotBeNull($"a peer should be added on store {target}");
        op!.Length.Should().Be(1, op.ToString());
        op.Steps[0].Should().BeOfType<AddPeer>().Which.ToStore.Should().Be(target, op.ToString());
        kind |= OperatorKind.Region;
        (op.Kind & kind).Should().Be(kind, op.ToString());
    }
}
