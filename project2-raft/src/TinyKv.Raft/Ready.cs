using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

/// <summary>
/// The volatile state of a node: who leads and which role it plays. Not persisted; reported in
/// a <see cref="Ready"/> when it changes.
/// </summary>
public sealed record SoftState(ulong Lead, StateType RaftState);

/// <summary>
/// Everything a <see cref="RawNode"/> asks the application to do in one round: persist
/// <see cref="HardState"/>, <see cref="Entries"/> and <see cref="Snapshot"/>, then send
/// <see cref="Messages"/>, then apply <see cref="CommittedEntries"/>, then call
/// <see cref="RawNode.Advance"/>. Read-only for the application.
/// </summary>
public sealed class Ready
{
    /// <summary>The new soft state, or null when it did not change since the last Ready.</summary>
    public SoftState? SoftState { get; init; }

    /// <summary>The hard state to persist before sending messages, or null when it did not change.</summary>
    public HardState? HardState { get; init; }

    /// <summary>Entries to persist before sending messages.</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>A snapshot to persist and apply, or null when there is none.</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>Entries known to be committed, to apply to the state machine in order.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; init; } = [];

    /// <summary>Messages to send once the entries and hard state are persisted.</summary>
    public IReadOnlyList<Message> Messages { get; init; } = [];

    /// <summary>True when the Ready asks for nothing at all.</summary>
    public bool IsEmpty =>
        SoftState is null && HardState is null && Entries.Count == 0 && Snapshot is null
        && CommittedEntries.Count == 0 && Messages.Count == 0;

    public override string ToString() =>
        $"Ready {{ SoftState = {SoftState?.ToString() ?? "-"}, HardState = {HardState?.ToString() ?? "-"}, " +
        $"Entries = {Entries.Count}, Snapshot = {(Snapshot is null ? "-" : Snapshot.Metadata?.Index.ToString(System.Globalization.CultureInfo.InvariantCulture))}, " +
        $"CommittedEntries = {CommittedEntries.Count}, Messages = {Messages.Count} }}";
}
