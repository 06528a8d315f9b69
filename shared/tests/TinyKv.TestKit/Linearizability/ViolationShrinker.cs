using System.Diagnostics;

namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// Shrinks the illegal history of one key to a small window that is still illegal on its own.
/// </summary>
/// <remarks>
/// <para>
/// First the <em>cut</em>: the earliest return time <c>t</c> such that the history cut at
/// <c>t</c> is illegal (binary search: cutting is monotone). Cutting at <c>t</c> keeps the
/// operations called by <c>t</c>; those that had not returned by <c>t</c> become open (a write) or
/// are dropped (a get). This is where Porcupine's partial linearizations get stuck.
/// </para>
/// <para>
/// Then a greedy, chunked removal (delta debugging): drop a group of operations whenever what
/// remains is still illegal. Only removals that keep the proof valid for the full history are
/// tried: any get (a read changes nothing, so an order of the bigger set would order the smaller
/// one too), and a write no remaining get could have observed — a put or append whose value no
/// remaining get contains, a delete when no remaining get read "not found" and no append
/// remains. Removing a write a get did observe could leave a read of a value "nobody wrote",
/// illegal for the wrong reason.
/// </para>
/// </remarks>
internal static class ViolationShrinker
{
    /// <summary>The window that explains why <paramref name="keyOperations"/> (known illegal) does not linearize.</summary>
    public static ViolationWindow Explain(string key, IReadOnlyList<KvOperation> keyOperations, int historyCount, LinearizabilityOptions options)
    {
        var shrinking = new Shrinking(options);
        var all = LinearizabilitySearch.Checkable(keyOperations);
        var (cutTime, window) = FindCut(all, shrinking);
        window = Reduce(window, shrinking);

        // Report the recorded operations (a cut may have opened some), and prove the window illegal as reported.
        var recorded = keyOperations.ToDictionary(op => op.Id);
        var reported = window.Select(op => recorded[op.Id]).OrderBy(op => op.CallTime).ThenBy(op => op.Id).ToList();
        if (LinearizabilitySearch.Run(reported, new SearchBudget(options.MaxSteps, options.TimeLimit)) != CheckResult.Illegal)
        {
            // Cannot happen if the removals are sound; fall back to the whole key rather than report a wrong window.
            Debug.Fail("the shrunk window linearizes");
            return new ViolationWindow(key, keyOperations.Count, historyCount, keyOperations, null, minimized: false);
        }

        return new ViolationWindow(key, keyOperations.Count, historyCount, reported, cutTime, shrinking.Completed);
    }

    private static (long? CutTime, List<KvOperation> Window) FindCut(List<KvOperation> all, Shrinking shrinking)
    {
        var returns = all.Where(op => !op.IsOpen).Select(op => op.ReturnTime!.Value).Distinct().Order().ToArray();
        int low = 0, high = returns.Length - 1;
        int? found = null;
        while (low <= high && shrinking.CanCheck)
        {
            var middle = low + ((high - low) / 2);
            if (shrinking.IsIllegal(Cut(all, returns[middle])))
            {
                found = middle;
                high = middle - 1;
            }
            else
            {
                low = middle + 1;
            }
        }

        return found is { } index ? (returns[index], Cut(all, returns[index])) : (null, all);
    }

    /// <summary>The history as known at <paramref name="time"/>: what returned by then keeps its answer, what was pending becomes open.</summary>
    private static List<KvOperation> Cut(List<KvOperation> all, long time)
    {
        var cut = new List<KvOperation>();
        foreach (var op in all.Where(op => op.CallTime <= time))
        {
            if (op.ReturnTime <= time)
            {
                cut.Add(op);
            }
            else if (op.Input.IsWrite)
            {
                cut.Add(op with { Output = KvOutput.None, ReturnTime = null });
            }
        }

        return cut;
    }

    private static List<KvOperation> Reduce(List<KvOperation> window, Shrinking shrinking)
    {
        var chunk = Math.Max(1, window.Count / 2);
        while (shrinking.CanCheck)
        {
            var removedAny = false;
            for (var start = 0; start < window.Count && shrinking.CanCheck;)
            {
                var candidate = WithoutRemovable(window, start, Math.Min(chunk, window.Count - start));
                if (candidate.Count < window.Count && shrinking.IsIllegal(candidate))
                {
                    window = candidate;
                    removedAny = true;
                }
                else
                {
                    start += chunk;
                }
            }

            if (chunk > 1)
            {
                chunk /= 2;
            }
            else if (!removedAny)
            {
                return window;
            }
        }

        shrinking.Completed = false;
        return window;
    }

    /// <summary><paramref name="window"/> without the operations of [start, start + count) that may be removed soundly.</summary>
    private static List<KvOperation> WithoutRemovable(List<KvOperation> window, int start, int count)
    {
        var before = window.GetRange(0, start);
        var chunk = window.GetRange(start, count);
        var after = window.GetRange(start + count, window.Count - start - count);
        var reads = before.Concat(after).Where(op => op.Input.Kind == KvOpKind.Get).Select(op => op.Output.Value).ToList();

        // Gets always go; puts and appends go unless a remaining get contains their value; deletes
        // go unless a remaining get read "not found" or an append remains (it would build on "").
        bool Kept(KvOperation op) => op.Input.Kind is KvOpKind.Put or KvOpKind.Append && Observed(op.Input.Value!, reads);
        var appendRemains = before.Concat(after).Concat(chunk.Where(Kept)).Any(op => op.Input.Kind == KvOpKind.Append);
        var deleteObserved = appendRemains || reads.Any(value => value is null);
        var kept = chunk.Where(op => Kept(op) || (op.Input.Kind == KvOpKind.Delete && deleteObserved));
        return [.. before, .. kept, .. after];
    }

    private static bool Observed(string written, List<string?> reads) =>
        reads.Any(value => value is not null && value.Contains(written, StringComparison.Ordinal));

    /// <summary>The effort left for shrinking: a number of checks and, if set, a wall-clock limit.</summary>
    private sealed class Shrinking(LinearizabilityOptions options)
    {
        private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
        private int _checks;

        public bool Completed { get; set; } = true;

        public bool CanCheck =>
            _checks < options.MaxShrinkChecks && (options.TimeLimit is not { } limit || _stopwatch.Elapsed < limit);

        /// <summary>True when the check proves <paramref name="operations"/> illegal; an undecided check counts as false.</summary>
        public bool IsIllegal(List<KvOperation> operations)
        {
            _checks++;
            var remaining = options.TimeLimit is { } limit ? limit - _stopwatch.Elapsed : (TimeSpan?)null;
            if (remaining <= TimeSpan.Zero)
            {
                Completed = false;
                return false;
            }

            var result = LinearizabilitySearch.Run(operations, new SearchBudget(options.MaxSteps, remaining));
            Completed &= result != CheckResult.Unknown;
            return result == CheckResult.Illegal;
        }
    }
}
