using Google.Protobuf;
using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

/// <summary>
/// The application's handle on a Raft node. The application calls <see cref="Tick"/> on a
/// timer, <see cref="Step"/> for every message from a peer and the proposal methods for
/// client requests; then, while <see cref="HasReady"/>, it takes a <see cref="Ready"/>,
/// persists, sends and applies what it says, and calls <see cref="Advance"/>.
/// </summary>
public sealed class RawNode
{
    private SoftState _previousSoftState;
    private HardState _previousHardState;

    /// <summary>Starts a node from <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public RawNode(Config config)
    {
#if TINYKV_REF_2AC
        Raft = new RaftNode(config);
        _previousSoftState = Raft.SoftState;
        _previousHardState = Raft.HardState;
#else
        Raft = null!;
        _previousSoftState = null!;
        _previousHardState = null!;
        throw Todo.Slot("2AC", "create the Raft node and remember its soft and hard state, to tell later what changed; see the 2A handout, 'RawNode'");
#endif
    }

    /// <summary>The Raft state machine this node wraps.</summary>
    public RaftNode Raft { get; }

    /// <summary>Advances the logical clock by one tick.</summary>
    public void Tick() => Raft.Tick();

    /// <summary>Makes this node campaign to become leader now.</summary>
    public void Campaign() => Raft.Step(new Message { MsgType = MessageType.MsgHup });

    /// <summary>Proposes <paramref name="data"/> to be appended to the log.</summary>
    /// <exception cref="ProposalDroppedException">The proposal was not accepted; retry, perhaps on the leader.</exception>
    public void Propose(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var message = new Message { MsgType = MessageType.MsgPropose, From = Raft.Id };
        message.Entries.Add(new Entry { Data = ByteString.CopyFrom(data) });
        Raft.Step(message);
    }

    /// <summary>Proposes a configuration change (one node added or removed).</summary>
    /// <exception cref="ProposalDroppedException">The proposal was not accepted (for instance, another change is pending).</exception>
    public void ProposeConfChange(ConfChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var message = new Message { MsgType = MessageType.MsgPropose, From = Raft.Id };
        message.Entries.Add(new Entry { EntryType = EntryType.EntryConfChange, Data = change.ToByteString() });
        Raft.Step(message);
    }

    /// <summary>
    /// Applies a committed configuration change to this node and returns the members after it.
    /// A change with node id <see cref="RaftNode.None"/> changes nothing and only reports them.
    /// </summary>
    public ConfState ApplyConfChange(ConfChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.NodeId != RaftNode.None)
        {
            switch (change.ChangeType)
            {
                case ConfChangeType.AddNode:
                    Raft.AddNode(change.NodeId);
                    break;
                case ConfChangeType.RemoveNode:
                    Raft.RemoveNode(change.NodeId);
                    break;
                default:
                    throw new ArgumentException($"unknown configuration change type {change.ChangeType}", nameof(change));
            }
        }

        var state = new ConfState();
        state.Nodes.AddRange(Raft.Nodes());
        return state;
    }

    /// <summary>
    /// Feeds a message from a peer. Local messages (MsgHup, MsgBeat) never come from the
    /// network and are refused; a response from a node that is not a member is ignored.
    /// </summary>
    /// <exception cref="ArgumentException">The message is a local one.</exception>
    public void Step(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (MessageKinds.IsLocal(message.MsgType))
        {
            throw new ArgumentException($"cannot step the local message {message.MsgType} received over the network", nameof(message));
        }

        if (MessageKinds.IsResponse(message.MsgType) && !Raft.Prs.ContainsKey(message.From))
        {
            return; // A response from a removed peer: nothing to do with it.
        }

        Raft.Step(message);
    }

    /// <summary>
    /// What the application should do now: persist the new hard state and entries (and the
    /// snapshot), send the messages, apply the committed entries. Changes nothing until
    /// <see cref="Advance"/> is called with it.
    /// </summary>
    public Ready Ready()
    {
#if TINYKV_REF_2AC
        var softState = Raft.SoftState;
        var hardState = Raft.HardState;
        return new Ready
        {
            SoftState = softState == _previousSoftState ? null : softState,
            HardState = hardState.Equals(_previousHardState) ? null : hardState,
            Entries = Raft.RaftLog.UnstableEntries(),
            Snapshot = Raft.RaftLog.PendingSnapshot,
            CommittedEntries = Raft.RaftLog.NextEntries(),
            Messages = [.. Raft.Messages],
        };
#else
        throw Todo.Slot("2AC", "collect what changed since the last Advance: states, unstable and committed entries, messages; see the 2A handout, 'RawNode'");
#endif
    }

    /// <summary>True when a <see cref="Ready"/> would ask the application for anything.</summary>
    public bool HasReady()
    {
#if TINYKV_REF_2AC
        return Raft.SoftState != _previousSoftState
            || !Raft.HardState.Equals(_previousHardState)
            || Raft.RaftLog.PendingSnapshot is not null
            || Raft.Messages.Count > 0
            || Raft.RaftLog.LastIndex() > Raft.RaftLog.Stabled
            || Raft.RaftLog.Committed > Raft.RaftLog.Applied;
#else
        throw Todo.Slot("2AC", "tell whether any state, entry, snapshot or message is waiting; see the 2A handout, 'RawNode'");
#endif
    }

    /// <summary>
    /// Tells the node the application has handled <paramref name="ready"/>: its entries are
    /// persisted, its messages sent, its committed entries applied.
    /// </summary>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
#if TINYKV_REF_2AC
        if (ready.SoftState is { } softState)
        {
            _previousSoftState = softState;
        }

        if (ready.HardState is { } hardState)
        {
            _previousHardState = hardState;
        }

        var log = Raft.RaftLog;
        if (ready.Snapshot is not null)
        {
            log.PendingSnapshot = null;
        }

        if (ready.Entries.Count > 0)
        {
            log.StableTo(ready.Entries[^1].Index);
        }

        if (ready.CommittedEntries.Count > 0)
        {
            log.AppliedTo(ready.CommittedEntries[^1].Index);
        }

        Raft.Messages.RemoveRange(0, Math.Min(ready.Messages.Count, Raft.Messages.Count));
        if (log.Storage.FirstIndex() > log.FirstIndex)
        {
            log.MaybeCompact(); // The application compacted its storage (2C).
        }
#else
        throw Todo.Slot("2AC", "mark the Ready's entries stable and its committed entries applied, and forget its messages; see the 2A handout, 'RawNode'");
#endif
    }

    /// <summary>Every member's progress, when this node is the leader; empty otherwise.</summary>
    public IReadOnlyDictionary<ulong, Progress> GetProgress() =>
        Raft.State == StateType.Leader
            ? Raft.Prs.ToDictionary(p => p.Key, p => p.Value.Clone())
            : new Dictionary<ulong, Progress>();

    /// <summary>Asks the group to hand leadership to <paramref name="transferee"/>.</summary>
    public void TransferLeader(ulong transferee) =>
        Raft.Step(new Message { MsgType = MessageType.MsgTransferLeader, From = transferee });
}
