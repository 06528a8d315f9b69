using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

/// <summary>
/// One node of a Raft group, as a pure state machine: <see cref="Step"/> feeds it a message,
/// <see cref="Tick"/> advances its logical clock, and the messages it wants sent pile up in
/// <see cref="Messages"/>. No I/O, no threads, no clock: <see cref="RawNode"/> and the
/// application around it do all of that.
/// </summary>
/// <remarks>
/// The class is split by aspect: this file holds the state and the role changes,
/// <c>Raft.Step.cs</c> the message dispatch, <c>Raft.Election.cs</c> voting,
/// <c>Raft.Replication.cs</c> log replication, <c>Raft.Snapshot.cs</c> snapshots (2C),
/// <c>Raft.Membership.cs</c> and <c>Raft.LeaderTransfer.cs</c> the 3A extensions.
/// </remarks>
public sealed partial class RaftNode
{
    /// <summary>The id that means "nobody": no leader, no vote.</summary>
    public const ulong None = 0;

    private readonly Random _random;

    /// <summary>Starts a node from <paramref name="config"/>: as a follower, with the term, vote and commit its storage remembers.</summary>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public RaftNode(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Id = config.Id;
        _random = config.Random;
        HeartbeatTimeout = config.HeartbeatTick;
        ElectionTimeout = config.ElectionTick;
#if TINYKV_REF_2AA
        RaftLog = new RaftLog(config.Storage);
        var (hardState, confState) = config.Storage.InitialState();
        var peers = config.Peers.Count > 0 ? config.Peers : confState.Nodes;
        foreach (var peer in peers)
        {
            Prs[peer] = new Progress { Next = 1 };
        }

        Term = hardState.Term;
        Vote = hardState.Vote;
        RaftLog.Committed = hardState.Commit;
        if (config.Applied > 0)
        {
            RaftLog.Applied = config.Applied;
        }
        else if (RaftLog.FirstIndex > 1)
        {
            RaftLog.StartAfterSnapshot(); // The storage starts with a snapshot (2C).
        }

        BecomeFollower(Term, None);
#else
        RaftLog = null!;
        throw Todo.Slot("2AA", "load the log, the hard state and the peers, then start as a follower; see the 2A handout, 'Starting a node'");
#endif
    }

    /// <summary>This node's id. (Tests renumber nodes they put into a network.)</summary>
    public ulong Id { get; internal set; }

    /// <summary>The current term.</summary>
    public ulong Term { get; internal set; }

    /// <summary>Whom this node voted for in the current term, or <see cref="None"/>.</summary>
    public ulong Vote { get; internal set; }

    /// <summary>The log.</summary>
    public RaftLog RaftLog { get; internal set; }

    /// <summary>The replication progress of every peer, this node included, ordered by id.</summary>
    public SortedDictionary<ulong, Progress> Prs { get; } = [];

    /// <summary>This node's role.</summary>
    public StateType State { get; internal set; }

    /// <summary>The votes received in the current election (true = granted), by voter id.</summary>
    internal SortedDictionary<ulong, bool> Votes { get; } = [];

    /// <summary>Messages waiting to be sent; <see cref="ReadMessages"/> takes them.</summary>
    internal List<Message> Messages { get; private set; } = [];

    /// <summary>The leader of the current term, or <see cref="None"/> when unknown.</summary>
    public ulong Lead { get; internal set; }

    /// <summary>Ticks between heartbeats.</summary>
    internal int HeartbeatTimeout { get; }

    /// <summary>The base election timeout in ticks.</summary>
    internal int ElectionTimeout { get; }

    /// <summary>This term's election timeout, drawn from <c>[ElectionTimeout, 2·ElectionTimeout)</c>.</summary>
    internal int RandomizedElectionTimeout { get; private set; }

    /// <summary>Ticks since the last heartbeat (leaders only).</summary>
    internal int HeartbeatElapsed { get; set; }

    /// <summary>
    /// Ticks since the last election timeout, or, for a follower, since it last heard from the
    /// current leader.
    /// </summary>
    internal int ElectionElapsed { get; set; }

    /// <summary>The node leadership is being transferred to, or <see cref="None"/> (3A, Raft thesis §3.10).</summary>
    public ulong LeadTransferee { get; internal set; }

    /// <summary>
    /// The log index of the latest configuration change the leader proposed. Only one may be
    /// pending at a time: a new one is accepted only once the applied index has passed this (3A).
    /// </summary>
    public ulong PendingConfIndex { get; internal set; }

    /// <summary>The volatile state reported in a Ready.</summary>
    public SoftState SoftState => new(Lead, State);

    /// <summary>The state that must be persisted before messages are sent.</summary>
    public HardState HardState => new() { Term = Term, Vote = Vote, Commit = RaftLog.Committed };

    /// <summary>Takes the messages waiting to be sent.</summary>
    internal List<Message> ReadMessages()
    {
        var messages = Messages;
        Messages = [];
        return messages;
    }

    /// <summary>The ids of the group's members, ascending.</summary>
    internal List<ulong> Nodes() => [.. Prs.Keys];

    /// <summary>Advances the logical clock by one tick: a follower or candidate may time out and campaign, a leader may send heartbeats.</summary>
    public void Tick()
    {
#if TINYKV_REF_2AA
        if (State == StateType.Leader)
        {
            TickAsLeader();
            return;
        }

        ElectionElapsed++;
        if (ElectionElapsed >= RandomizedElectionTimeout)
        {
            ElectionElapsed = 0;
            Step(new Message { MsgType = MessageType.MsgHup, From = Id, To = Id });
        }
#else
        throw Todo.Slot("2AA", "advance the election timer (follower, candidate) or the heartbeat timer (leader); see the 2A handout, 'Ticks'");
#endif
    }

#if TINYKV_REF_2AA
    private void TickAsLeader()
    {
        HeartbeatElapsed++;
        if (HeartbeatElapsed >= HeartbeatTimeout)
        {
            HeartbeatElapsed = 0;
            Step(new Message { MsgType = MessageType.MsgBeat, From = Id, To = Id });
        }

        // A leader transfer that has not finished within an election timeout is given up (3A).
        ElectionElapsed++;
        if (ElectionElapsed >= ElectionTimeout)
        {
            ElectionElapsed = 0;
            if (LeadTransferee != None)
            {
                AbortLeaderTransfer();
            }
        }
    }
#endif

    /// <summary>Becomes a follower of <paramref name="lead"/> (or of nobody) in <paramref name="term"/>.</summary>
    public void BecomeFollower(ulong term, ulong lead)
    {
#if TINYKV_REF_2AA
        Reset(term);
        State = StateType.Follower;
        Lead = lead;
#else
        throw Todo.Slot("2AA", "set the term (a new term clears the vote), the leader and the role, and reset the timers; see the 2A handout, 'Roles'");
#endif
    }

    /// <summary>Becomes a candidate: a new term, a vote for itself.</summary>
    public void BecomeCandidate()
    {
#if TINYKV_REF_2AA
        Reset(Term + 1);
        State = StateType.Candidate;
        Vote = Id;
        Votes[Id] = true;
#else
        throw Todo.Slot("2AA", "move to the next term, vote for yourself and reset the timers; see the 2A handout, 'Roles'");
#endif
    }

    /// <summary>
    /// Becomes the leader of the current term: resets every peer's progress and starts
    /// replicating with an empty entry of the new term.
    /// </summary>
    public void BecomeLeader()
    {
#if TINYKV_REF_2AA
        Reset(Term);
        State = StateType.Leader;
        Lead = Id;
        var last = RaftLog.LastIndex();
        foreach (var (id, progress) in Prs)
        {
            progress.Next = last + 1;
            progress.Match = id == Id ? last : 0;
        }

        // Conservatively assume the log's tail may hold a configuration change not applied yet.
        PendingConfIndex = last;
        StartReplicationAsLeader();
#else
        throw Todo.Slot("2AA", "set the role and the leader, reset every peer's progress; see the 2A handout, 'Roles'");
#endif
    }

#if TINYKV_REF_2AA
    /// <summary>What every role change does: a new term clears the vote; timers, votes and a pending transfer reset.</summary>
    private void Reset(ulong term)
    {
        if (Term != term)
        {
            Term = term;
            Vote = None;
        }

        Lead = None;
        ElectionElapsed = 0;
        HeartbeatElapsed = 0;
        RandomizedElectionTimeout = ElectionTimeout + _random.Next(ElectionTimeout);
        Votes.Clear();
        LeadTransferee = None;
    }
#endif

    /// <summary>Queues a message from this node; every message but a proposal carries the current term.</summary>
    private void Send(Message message)
    {
        message.From = Id;
        if (message.MsgType != MessageType.MsgPropose)
        {
            message.Term = Term;
        }

        Messages.Add(message);
    }

    /// <summary>Passes a message on to another node unchanged (a follower forwarding to its leader).</summary>
    private void Forward(Message message, ulong to)
    {
        var forwarded = message.Clone();
        forwarded.To = to;
        Messages.Add(forwarded);
    }

    /// <summary>The number of votes (or acknowledgements) that make a majority of the group.</summary>
    private int Quorum => (Prs.Count / 2) + 1;
}
