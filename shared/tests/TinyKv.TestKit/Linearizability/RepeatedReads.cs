namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// Leaves out the gets of one key that only repeat the get before them: a test client that scans
/// its keys over and over reads each of them thousands of times, and the search would otherwise
/// order every one of those reads.
/// </summary>
/// <remarks>
/// <para>
/// A completed get <c>R2</c> is left out when the completed operation called just before it is
/// a get <c>R1</c> that read the same value and returned strictly before <c>R2</c> was called,
/// and every completed operation called before <c>R1</c> returned strictly before <c>R1</c> was
/// called. Open operations are not constrained.
/// </para>
/// <para>
/// Why the verdict does not change. Dropping a read never makes a legal history illegal. The
/// other way: take a valid order of the history without <c>R2</c>, and <c>R1</c>'s instant
/// <c>t1</c> in it. Put <c>R2</c> at its call time <c>t2 &gt; t1</c>, ahead of everything else
/// at <c>t2</c> or later. No completed operation takes effect between <c>t1</c> and <c>t2</c>: one
/// called before <c>R1</c> returned before <c>R1</c> was called, and any other is called at
/// <c>t2</c> or later. Only open writes can; move them, in their order, to just after
/// <c>R2</c>, which an open write allows (it may take effect at any time after its call). Now
/// nothing happens between <c>R1</c> and <c>R2</c>, so <c>R2</c> reads what <c>R1</c> read, and
/// after them the same writes apply to the same value as before: a valid order of the whole
/// history.
/// </para>
/// <para>
/// Each decision holds in the history without the reads dropped after it (the conditions only
/// get easier as operations go), so all of them are taken at once, latest first in the proof.
/// </para>
/// </remarks>
internal static class RepeatedReads
{
    /// <summary><paramref name="operations"/> (one key's) without the gets that repeat the one before them, in their order.</summary>
    public static IReadOnlyList<KvOperation> Without(IReadOnlyList<KvOperation> operations)
    {
        // The completed operations by call time (the partition of a KvHistory is in that order already).
        var completed = new List<KvOperation>(operations.Count);
        foreach (var op in operations)
        {
            if (!op.IsOpen)
            {
                completed.Add(op);
            }
        }

        if (!IsByCallTime(completed))
        {
            completed.Sort((a, b) => a.CallTime.CompareTo(b.CallTime));
        }

        HashSet<int>? dropped = null;
        var latestReturnBefore = long.MinValue; // the latest return among completed[0 .. i-2]
        for (var i = 1; i < completed.Count; i++)
        {
            var (first, second) = (completed[i - 1], completed[i]);
            if (first.Input.Kind == KvOpKind.Get && second.Input.Kind == KvOpKind.Get
                && string.Equals(first.Output.Value, second.Output.Value, StringComparison.Ordinal)
                && first.ReturnTime < second.CallTime
                && latestReturnBefore < first.CallTime)
            {
                (dropped ??= []).Add(second.Id);
            }

            latestReturnBefore = Math.Max(latestReturnBefore, first.ReturnTime!.Value);
        }

        return dropped is null ? operations : [.. operations.Where(op => !dropped.Contains(op.Id))];
    }

    private static bool IsByCallTime(List<KvOperation> operations)
    {
        for (var i = 1; i < operations.Count; i++)
        {
            if (operations[i].CallTime < operations[i - 1].CallTime)
            {
                return false;
            }
        }

        return true;
    }
}
