using System.Globalization;
using System.Text;
using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft.Testing;

/// <summary>How a transcript prints Raft's values: short, stable, one line each.</summary>
public static class TranscriptFormat
{
    /// <summary><c>1-&gt;2 MsgAppend Term:1 Log:1/3 Commit:2 Entries:[1/4 EntryNormal "x"]</c>.</summary>
    public static string Message(Message m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{m.From}->{m.To} {m.MsgType} Term:{m.Term}");
        switch (m.MsgType)
        {
            case MessageType.MsgAppend:
            case MessageType.MsgRequestVote:
                text.Append(CultureInfo.InvariantCulture, $" Log:{m.LogTerm}/{m.Index}");
                break;
            case MessageType.MsgAppendResponse:
                text.Append(CultureInfo.InvariantCulture, $" Index:{m.Index}");
                break;
            default:
                break;
        }

        if (m.Commit != 0 || m.MsgType is MessageType.MsgAppend or MessageType.MsgHeartbeat)
        {
            text.Append(CultureInfo.InvariantCulture, $" Commit:{m.Commit}");
        }

        if (m.Reject)
        {
            text.Append(" Rejected");
        }

        if (m.Entries.Count > 0)
        {
            text.Append(" Entries:[").Append(string.Join(", ", m.Entries.Select(Entry))).Append(']');
        }

        if (m.Snapshot is { Metadata: { } metadata })
        {
            text.Append(" Snapshot:").Append(SnapshotMetadata(metadata));
        }

        return text.ToString();
    }

    /// <summary><c>1/4 EntryNormal "x"</c>, or <c>1/5 EntryConfChange AddNode 4</c>.</summary>
    public static string Entry(Entry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.EntryType == EntryType.EntryConfChange)
        {
            var change = ConfChange.Parser.ParseFrom(e.Data);
            return string.Create(CultureInfo.InvariantCulture, $"{e.Term}/{e.Index} EntryConfChange {change.ChangeType} {change.NodeId}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{e.Term}/{e.Index} EntryNormal \"{e.Data.ToStringUtf8()}\"");
    }

    /// <summary><c>HardState Term:1 Vote:1 Commit:2</c>.</summary>
    public static string HardState(HardState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return string.Create(CultureInfo.InvariantCulture, $"HardState Term:{state.Term} Vote:{state.Vote} Commit:{state.Commit}");
    }

    /// <summary><c>Index:11 Term:2 Nodes:[1 2 3]</c>.</summary>
    public static string SnapshotMetadata(SnapshotMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var nodes = metadata.ConfState is null ? string.Empty : string.Join(' ', metadata.ConfState.Nodes);
        return string.Create(CultureInfo.InvariantCulture, $"Index:{metadata.Index} Term:{metadata.Term} Nodes:[{nodes}]");
    }
}
