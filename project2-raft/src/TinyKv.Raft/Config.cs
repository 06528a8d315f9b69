namespace TinyKv.Raft;

/// <summary>The parameters to start a <see cref="RaftNode"/> (and a <see cref="RawNode"/>).</summary>
public sealed class Config
{
    /// <summary>This node's id; never <see cref="RaftNode.None"/> (0).</summary>
    public ulong Id { get; init; }

    /// <summary>
    /// The ids of every node (this one included) of a new group. Leave empty when restarting:
    /// the peers then come from the storage's <see cref="Proto.Eraftpb.ConfState"/>.
    /// </summary>
    public IReadOnlyList<ulong> Peers { get; init; } = [];

    /// <summary>
    /// The number of <see cref="RaftNode.Tick"/> calls a follower waits without hearing from a
    /// leader before it campaigns. The actual timeout is drawn from <c>[ElectionTick, 2·ElectionTick)</c>
    /// after every reset, so nodes rarely time out together. Must be greater than <see cref="HeartbeatTick"/>.
    /// </summary>
    public int ElectionTick { get; init; }

    /// <summary>The number of ticks between two heartbeats of a leader.</summary>
    public int HeartbeatTick { get; init; }

    /// <summary>Where the node's hard state, entries and snapshot live.</summary>
    public IRaftStorage Storage { get; init; } = null!;

    /// <summary>
    /// The last index the application has applied. Set it when restarting, so Raft does not hand
    /// out entries that were already applied.
    /// </summary>
    public ulong Applied { get; init; }

    /// <summary>
    /// The seeded generator Raft draws its randomized election timeouts from. Give each node its
    /// own generator built from one seed, and the same seed replays the same run.
    /// </summary>
    public Random Random { get; init; } = null!;

    /// <summary>Rejects a configuration Raft cannot run with, naming the field.</summary>
    /// <exception cref="ArgumentException">A field is missing or out of range.</exception>
    public void Validate()
    {
        if (Id == RaftNode.None)
        {
            throw new ArgumentException("Config.Id cannot be 0 (RaftNode.None)", nameof(Id));
        }

        if (HeartbeatTick <= 0)
        {
            throw new ArgumentException("Config.HeartbeatTick must be greater than 0", nameof(HeartbeatTick));
        }

        if (ElectionTick <= HeartbeatTick)
        {
            throw new ArgumentException("Config.ElectionTick must be greater than Config.HeartbeatTick", nameof(ElectionTick));
        }

        if (Storage is null)
        {
            throw new ArgumentException("Config.Storage cannot be null", nameof(Storage));
        }

        if (Random is null)
        {
            throw new ArgumentException(
                "Config.Random cannot be null: hand in a seeded generator, e.g. new Random(seed), so runs replay",
                nameof(Random));
        }

        if (Peers is null)
        {
            throw new ArgumentException("Config.Peers cannot be null (leave it empty when restarting)", nameof(Peers));
        }
    }
}
