namespace TinyKv.RaftStore;

/// <summary>
/// What applying a committed command changed beyond the kv data: what the peer must act on once
/// the apply batch is written (<c>Peer.AfterApply</c>). The effects of the entries of one Ready
/// are combined, so each is acted on once per batch.
/// </summary>
/// <remarks>
/// Stage 2C has one effect, a compaction; stage 3B adds a region that changed its peers or its
/// range, and a peer that removed itself, each with its case in <c>AfterApply</c>. A region split
/// off is handed to <c>AfterApply</c> beside the effects, since a Ready may split more than once.
/// </remarks>
[Flags]
internal enum ApplyEffects
{
    /// <summary>Nothing beyond the kv data.</summary>
    None = 0,

    /// <summary>A CompactLog moved the truncated state: the entries before it can be deleted (2C).</summary>
    LogCompacted = 1 << 0,

    /// <summary>A ChangePeer or a Split changed the region: its leader reports it, the store records its range (3B).</summary>
    RegionChanged = 1 << 1,

    /// <summary>A ChangePeer removed this very peer: it destroys itself (3B).</summary>
    RemovedSelf = 1 << 2,
}
