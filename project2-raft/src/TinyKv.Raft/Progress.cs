namespace TinyKv.Raft;

/// <summary>
/// A follower's progress in the view of the leader: <see cref="Match"/> is the highest index
/// known to be replicated on it, <see cref="Next"/> the index of the next entry to send.
/// </summary>
public sealed class Progress
{
    /// <summary>The highest log index known to be replicated on the peer.</summary>
    public ulong Match { get; set; }

    /// <summary>The index of the next entry to send to the peer.</summary>
    public ulong Next { get; set; }

    /// <summary>A copy, for callers that must not change the leader's view.</summary>
    public Progress Clone() => new() { Match = Match, Next = Next };

    public override string ToString() => $"match={Match} next={Next}";
}
