using System.Globalization;
using System.Text;
using TinyKv.Proto.Eraftpb;
using TinyKv.TestKit;

namespace TinyKv.Raft.Testing;

/// <summary>
/// Runs transcript commands against a group of <see cref="RawNode"/>s and prints what
/// happens. The runner plays the application and the network: <c>process-ready</c> persists,
/// applies and queues each node's Ready; <c>deliver-msgs</c> steps queued messages into their
/// receivers; nothing happens unless a command says so, so a transcript shows every step.
/// </summary>
/// <remarks>
/// Scenario files print the same output whatever the seed: <c>tick-election</c> ticks just
/// under two election timeouts, which fires exactly one election timeout whatever the
/// randomized timeout is. Only <c>tick</c> (single ticks) lets the seeded timeouts show.
/// </remarks>
public sealed class TranscriptRunner
{
    private readonly int _seed;
    private readonly SortedDictionary<ulong, NodeState> _nodes = [];
    private readonly List<Message> _inFlight = [];
    private readonly SortedDictionary<ulong, int> _partition = [];

    /// <summary>A runner whose nodes draw their election timeouts from <see cref="TestSeed.Value"/>.</summary>
    public TranscriptRunner()
        : this(TestSeed.Value)
    {
    }

    /// <summary>A runner whose nodes draw their election timeouts from <paramref name="seed"/>.</summary>
    public TranscriptRunner(int seed) => _seed = seed;

    /// <summary>Runs one command and returns what it prints.</summary>
    /// <exception cref="TranscriptException">The command is unknown or its arguments are wrong.</exception>
    public string Run(TranscriptCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var output = new StringBuilder();
        switch (command.Name)
        {
            case "add-nodes":
                AddNodes(command, output);
                break;
            case "campaign":
                Node(command, 0).RawNode.Campaign();
                break;
            case "propose":
                Propose(command, output);
                break;
            case "propose-conf-change":
                ProposeConfChange(command, output);
                break;
            case "tick":
                foreach (var node in Nodes(command))
                {
                    Tick(node, (int)Option(command, "count", 1));
                }

                break;
            case "tick-election":
                foreach (var node in Nodes(command))
                {
                    Tick(node, (2 * node.ElectionTick) - 1);
                }

                break;
            case "tick-heartbeat":
                foreach (var node in Nodes(command))
                {
                    Tick(node, node.HeartbeatTick);
                }

                break;
            case "process-ready":
                foreach (var node in Nodes(command))
                {
                    ProcessReady(node, output);
                }

                break;
            case "deliver-msgs":
                DeliverMessages(command, Nodes(command), output);
                break;
            case "stabilize":
                Stabilize(Nodes(command), output);
                break;
            case "partition":
                Partition(command, output);
                break;
            case "transfer-leader":
                Node(command, 0).RawNode.TransferLeader(UInt(command, 1));
                break;
            case "compact":
                Compact(command, output);
                break;
            case "raft-log":
                RaftLog(Node(command, 0), output);
                break;
            case "status":
                foreach (var node in Nodes(command))
                {
                    Status(node, output);
                }

                break;
            default:
                throw new TranscriptException(command, $"unknown command '{command.Name}'");
        }

        return output.ToString().TrimEnd('\n');
    }

    // add-nodes <count> [election=10] [heartbeat=1] [peers=1,2,3]
    private void AddNodes(TranscriptCommand command, StringBuilder output)
    {
        var count = (int)UInt(command, 0);
        var election = (int)Option(command, "election", 10);
        var heartbeat = (int)Option(command, "heartbeat", 1);
        var first = _nodes.Count == 0 ? 1UL : _nodes.Keys.Max() + 1;
        var ids = Enumerable.Range(0, count).Select(i => first + (ulong)i).ToList();
        var peers = command.Options.TryGetValue("peers", out var list)
            ? ParseIds(command, list)
            : ids;
        foreach (var id in ids)
        {
            var storage = new MemoryStorage();
            var config = new Config
            {
                Id = id,
                Peers = peers,
                ElectionTick = election,
                HeartbeatTick = heartbeat,
                Storage = storage,
                Random = TestSeed.Stream(_seed, id),
            };
            _nodes[id] = new NodeState(id, new RawNode(config), storage, election, heartbeat);
            output.Append(CultureInfo.InvariantCulture, $"node {id}: peers [{string.Join(' ', peers)}]\n");
        }
    }

    // propose <id> <data>
    private void Propose(TranscriptCommand command, StringBuilder output)
    {
        var node = Node(command, 0);
        var data = command.Arguments.Count > 1 ? command.Arguments[1] : string.Empty;
        try
        {
            node.RawNode.Propose(Encoding.UTF8.GetBytes(data));
        }
        catch (ProposalDroppedException e)
        {
            output.Append("dropped: ").Append(e.Message).Append('\n');
        }
    }

    // propose-conf-change <id> add=<n> | remove=<n>
    private void ProposeConfChange(TranscriptCommand command, StringBuilder output)
    {
        var node = Node(command, 0);
        var change = command.Options.TryGetValue("add", out var add)
            ? new ConfChange { ChangeType = ConfChangeType.AddNode, NodeId = ParseId(command, add) }
            : command.Options.TryGetValue("remove", out var remove)
                ? new ConfChange { ChangeType = ConfChangeType.RemoveNode, NodeId = ParseId(command, remove) }
                : throw new TranscriptException(command, "say add=<id> or remove=<id>");
        try
        {
            node.RawNode.ProposeConfChange(change);
        }
        catch (ProposalDroppedException e)
        {
            output.Append("dropped: ").Append(e.Message).Append('\n');
        }
    }

    private static void Tick(NodeState node, int ticks)
    {
        for (var i = 0; i < ticks; i++)
        {
            node.RawNode.Tick();
        }
    }

    /// <summary>Plays the application for one Ready: persist, queue the messages, apply, advance.</summary>
    private void ProcessReady(NodeState node, StringBuilder output)
    {
        var raw = node.RawNode;
        if (!raw.HasReady())
        {
            return;
        }

        var ready = raw.Ready();
        output.Append(CultureInfo.InvariantCulture, $"> {node.Id} handling Ready\n");
        if (ready.SoftState is { } soft)
        {
            output.Append(CultureInfo.InvariantCulture, $"  Lead:{soft.Lead} State:{soft.RaftState}\n");
        }

        if (ready.HardState is { } hard)
        {
            output.Append("  ").Append(TranscriptFormat.HardState(hard)).Append('\n');
            node.Storage.SetHardState(hard);
        }

        if (ready.Snapshot is { Metadata: { } metadata } snapshot)
        {
            output.Append("  Snapshot ").Append(TranscriptFormat.SnapshotMetadata(metadata)).Append('\n');
            node.Storage.ApplySnapshot(snapshot);
        }

        if (ready.Entries.Count > 0)
        {
            output.Append("  Entries:\n");
            foreach (var entry in ready.Entries)
            {
                output.Append("  ").Append(TranscriptFormat.Entry(entry)).Append('\n');
            }

            node.Storage.Append(ready.Entries);
        }

        if (ready.Messages.Count > 0)
        {
            output.Append("  Messages:\n");
            foreach (var message in ready.Messages)
            {
                output.Append("  ").Append(TranscriptFormat.Message(message)).Append('\n');
                _inFlight.Add(message.Clone());
            }
        }

        if (ready.CommittedEntries.Count > 0)
        {
            output.Append("  CommittedEntries:\n");
            foreach (var entry in ready.CommittedEntries)
            {
                output.Append("  ").Append(TranscriptFormat.Entry(entry)).Append('\n');
                if (entry.EntryType == EntryType.EntryConfChange)
                {
                    var state = raw.ApplyConfChange(ConfChange.Parser.ParseFrom(entry.Data));
                    output.Append(CultureInfo.InvariantCulture, $"  applied: members [{string.Join(' ', state.Nodes)}]\n");
                }
            }
        }

        raw.Advance(ready);
    }

    // deliver-msgs [drop=2,3] [<to>...]: delivers the queued messages to the given nodes (all by default).
    private void DeliverMessages(TranscriptCommand command, IReadOnlyList<NodeState> receivers, StringBuilder output)
    {
        var drop = command.Options.TryGetValue("drop", out var dropped) ? ParseIds(command, dropped) : [];
        foreach (var receiver in receivers)
        {
            var messages = _inFlight.Where(m => m.To == receiver.Id).ToList();
            if (messages.Count == 0)
            {
                continue;
            }

            _inFlight.RemoveAll(m => m.To == receiver.Id);
            output.Append(CultureInfo.InvariantCulture, $"> {receiver.Id} receiving messages\n");
            foreach (var message in messages)
            {
                if (drop.Contains(receiver.Id) || !Connected(message.From, message.To))
                {
                    output.Append("  dropped: ").Append(TranscriptFormat.Message(message)).Append('\n');
                    continue;
                }

                output.Append("  ").Append(TranscriptFormat.Message(message)).Append('\n');
                try
                {
                    receiver.RawNode.Step(message);
                }
                catch (ProposalDroppedException e)
                {
                    output.Append("  dropped: ").Append(e.Message).Append('\n');
                }
            }
        }
    }

    /// <summary>Processes Readies and delivers messages until no node has anything left to do.</summary>
    private void Stabilize(IReadOnlyList<NodeState> nodes, StringBuilder output)
    {
        const int limit = 1000;
        for (var round = 0; round < limit; round++)
        {
            var before = output.Length;
            foreach (var node in nodes)
            {
                ProcessReady(node, output);
            }

            DeliverMessages(NoDrops, nodes, output);
            if (output.Length == before)
            {
                return;
            }
        }

        throw new InvalidOperationException($"stabilize did not settle within {limit} rounds");
    }

    private static readonly TranscriptCommand NoDrops =
        new(0, "deliver-msgs", [], new Dictionary<string, string>(), "deliver-msgs", string.Empty, []);

    // partition 1 / partition 1,2 3 / partition (heals)
    private void Partition(TranscriptCommand command, StringBuilder output)
    {
        _partition.Clear();
        for (var group = 0; group < command.Arguments.Count; group++)
        {
            foreach (var id in ParseIds(command, command.Arguments[group]))
            {
                _partition[id] = group + 1;
            }
        }

        if (_partition.Count == 0)
        {
            output.Append("healed\n");
            return;
        }

        var groups = _nodes.Keys.GroupBy(id => _partition.GetValueOrDefault(id)).OrderBy(g => g.Key);
        output.Append("groups: ").Append(string.Join(" | ", groups.Select(g => string.Join(' ', g)))).Append('\n');
    }

    private bool Connected(ulong from, ulong to) =>
        _partition.GetValueOrDefault(from) == _partition.GetValueOrDefault(to);

    // compact <id> <index>: the application snapshots its state up to the index (applied
    // entries only) and drops the entries the snapshot covers from storage.
    private void Compact(TranscriptCommand command, StringBuilder output)
    {
        var node = Node(command, 0);
        var index = UInt(command, 1);
        var raft = node.RawNode.Raft;
        if (index > raft.RaftLog.Applied)
        {
            throw new TranscriptException(command, $"node {node.Id} has applied only up to {raft.RaftLog.Applied}; compact applied entries only");
        }

        var members = new ConfState();
        members.Nodes.AddRange(raft.Prs.Keys);
        var snapshot = node.Storage.CreateSnapshot(index, members, Encoding.UTF8.GetBytes($"state@{index}"));
        node.Storage.Compact(index);
        output.Append(CultureInfo.InvariantCulture, $"{node.Id}: snapshot {TranscriptFormat.SnapshotMetadata(snapshot.Metadata)}, storage first index {node.Storage.FirstIndex()}\n");
    }

    private static void RaftLog(NodeState node, StringBuilder output)
    {
        var log = node.RawNode.Raft.RaftLog;
        output.Append(CultureInfo.InvariantCulture, $"{node.Id}: first {log.FirstIndex} committed {log.Committed} applied {log.Applied} stabled {log.Stabled} last {log.LastIndex()}\n");
        foreach (var entry in log.Entries)
        {
            output.Append(TranscriptFormat.Entry(entry)).Append('\n');
        }
    }

    private static void Status(NodeState node, StringBuilder output)
    {
        var raft = node.RawNode.Raft;
        output.Append(CultureInfo.InvariantCulture, $"{node.Id}: {raft.State} term {raft.Term} vote {raft.Vote} lead {raft.Lead} commit {raft.RaftLog.Committed} applied {raft.RaftLog.Applied}");
        if (raft.State == StateType.Leader)
        {
            output.Append(" progress [").Append(string.Join(", ", raft.Prs.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}:{p.Value.Match}/{p.Value.Next}")))).Append(']');
        }

        output.Append('\n');
    }

    private NodeState Node(TranscriptCommand command, int argument)
    {
        var id = UInt(command, argument);
        return _nodes.TryGetValue(id, out var node)
            ? node
            : throw new TranscriptException(command, $"there is no node {id}");
    }

    /// <summary>The nodes named by the positional arguments, or every node when there are none.</summary>
    private List<NodeState> Nodes(TranscriptCommand command)
    {
        if (command.Arguments.Count == 0)
        {
            return [.. _nodes.Values];
        }

        return [.. command.Arguments.Select((_, i) => Node(command, i))];
    }

    private static ulong UInt(TranscriptCommand command, int argument)
    {
        if (argument >= command.Arguments.Count)
        {
            throw new TranscriptException(command, $"argument {argument + 1} is missing");
        }

        return ulong.TryParse(command.Arguments[argument], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new TranscriptException(command, $"'{command.Arguments[argument]}' is not a number");
    }

    private static ulong Option(TranscriptCommand command, string name, ulong fallback) =>
        !command.Options.TryGetValue(name, out var text)
            ? fallback
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new TranscriptException(command, $"{name}={text} is not a number");

    private static ulong ParseId(TranscriptCommand command, string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new TranscriptException(command, $"'{text}' is not a node id");

    private static List<ulong> ParseIds(TranscriptCommand command, string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => ParseId(command, t))];

    private sealed record NodeState(ulong Id, RawNode RawNode, MemoryStorage Storage, int ElectionTick, int HeartbeatTick);
}

/// <summary>A transcript command that cannot run: unknown, or with wrong arguments.</summary>
public sealed class TranscriptException : Exception
{
    public TranscriptException(TranscriptCommand command, string message)
        : base($"line {command?.Line}: {command?.Text}: {message}")
    {
    }

    public TranscriptException()
    {
    }

    public TranscriptException(string message)
        : base(message)
    {
    }

    public TranscriptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
