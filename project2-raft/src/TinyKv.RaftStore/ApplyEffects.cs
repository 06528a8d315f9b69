namespace TinyKv.RaftStore;

/// <summary>
/// What applying a committed command changed beyond the kv data: what the peer must act on once
/// the apply batch is written (<c>Peer.AfterApply</c>). The effects of the entries of one Ready
/// are combined, so each is acted on once per batch.
/// </summary>
/// <remarks>
/// Stage 2C has one effect, a compaction. Stage 3B adds its own here (a region that changed its
/// peers or its range, a peer that removed itself), each with its case in <c>AfterApply</c>.
/// </remarks>
[Flags]
internal enum ApplyEffects
{
    /// <summary>Nothing beyond the kv data.</summary>
    None = 0,

    /// <summary>A CompactLog moved the truncated state: the entries before it can be deleted (2C).</summary>
    LogCompacted = 1 << 0,
}
