namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// The depth-first search of Wing and Gong, with Lowe's memoization, as Porcupine implements it:
/// it walks the <see cref="EntryList"/> of one key, tries to linearize each call it meets (if
/// the register allows the operation's output in the current state), lifts the linearized
/// operation out of the list and restarts from the head; when it meets the return of an
/// operation it has not linearized, that operation would take effect too late, so it backtracks.
/// A cache of (linearized set, state) pairs already explored prunes every path that reaches a
/// configuration seen before.
/// </summary>
/// <remarks>
/// The cache keeps each linearized set as a 128-bit fingerprint, not as a set: the XOR of a
/// fixed random number per operation (Zobrist hashing), updated in O(1) as an operation is
/// linearized or undone, where a bitset costs a copy, a hash and a comparison of n bits at every
/// step (the quadratic part of checking a key read thousands of times). Two different sets share
/// a fingerprint with a chance of about one in 2^128 per pair. A collision can only prune a path
/// the search has not walked: it can never produce a linearization, so an
/// <see cref="CheckResult.Ok"/> verdict is exact; only an <see cref="CheckResult.Illegal"/> one
/// could (with that chance) be wrong, and the checker's report then shows the operations.
/// </remarks>
internal static class LinearizabilitySearch
{
    /// <summary>
    /// Checks the operations of one key. Open writes return at +infinity, so the search may place
    /// them anywhere after their call, and placing one after everything else means it never
    /// happened. Operations that cannot change the verdict are left out first (see <see cref="Checkable"/>).
    /// </summary>
    /// <returns><see cref="CheckResult.Ok"/>, <see cref="CheckResult.Illegal"/>, or <see cref="CheckResult.Unknown"/> when <paramref name="budget"/> ran out.</returns>
    public static CheckResult Run(IReadOnlyList<KvOperation> operations, SearchBudget budget)
    {
        var checkable = Checkable(operations);
        var list = EntryList.Build(checkable);
        var prepared = checkable.Select(KvRegisterModel.Prepare).ToArray();
        var fingerprint = default(Fingerprint);
        var cache = new HashSet<Configuration>();
        var calls = new Stack<(Entry Call, RegisterState StateBefore)>();
        var state = KvRegisterModel.Initial;
        var entry = list.Head.Next;

        while (list.Head.Next is not null)
        {
            if (!budget.TrySpend())
            {
                return CheckResult.Unknown;
            }

            // The list is not empty and every call precedes its return, so the walk never runs off the end.
            if (entry!.IsCall)
            {
                if (KvRegisterModel.Step(state, prepared[entry.Index], out var next)
                    && cache.Add(new Configuration(fingerprint.Toggle(entry.Index), next)))
                {
                    fingerprint = fingerprint.Toggle(entry.Index);
                    calls.Push((entry, state));
                    state = next;
                    EntryList.Lift(entry);
                    entry = list.Head.Next;
                    continue;
                }

                entry = entry.Next;
            }
            else
            {
                // The return of an operation not yet linearized: undo the latest choice.
                if (calls.Count == 0)
                {
                    return CheckResult.Illegal;
                }

                var (call, stateBefore) = calls.Pop();
                state = stateBefore;
                fingerprint = fingerprint.Toggle(call.Index);
                EntryList.Unlift(call);
                entry = call.Next;
            }
        }

        return CheckResult.Ok;
    }

    /// <summary>
    /// The operations the search must order: all but those that cannot change the verdict. Gets
    /// that only repeat the get before them go first (see <see cref="RepeatedReads"/>). An
    /// open get constrains nothing. An open write no get can have observed is dropped too: it
    /// could always take effect last (so keeping it never makes an illegal history legal), and
    /// removing it from any valid order leaves a valid order (so dropping it never makes a legal
    /// history illegal). Left in, each such write would double the configurations the search
    /// visits from its call to the end of the history.
    /// </summary>
    /// <remarks>
    /// A put or append is observed by a get that returns at or after its call and whose value
    /// contains the written value: in an order, the gets after the write and before the next put
    /// or delete read strings that contain it. A delete is observed by a get (returning at or
    /// after its call) that read "not found", or by any append that may follow it, since appends
    /// after a delete start again from "".
    /// </remarks>
    public static List<KvOperation> Checkable(IReadOnlyList<KvOperation> operations)
    {
        operations = RepeatedReads.Without(operations);
        var reads = operations.Where(op => op.Input.Kind == KvOpKind.Get && !op.IsOpen).ToList();
        var appends = operations.Where(op => op.Input.Kind == KvOpKind.Append).ToList();
        bool MayBeSeen(KvOperation write)
        {
            var later = reads.Where(get => get.ReturnTime >= write.CallTime);
            return write.Input.Kind switch
            {
                KvOpKind.Delete => later.Any(get => get.Output.Value is null)
                    || appends.Any(append => (append.ReturnTime ?? long.MaxValue) >= write.CallTime),
                _ => later.Any(get => get.Output.Value?.Contains(write.Input.Value!, StringComparison.Ordinal) == true),
            };
        }

        return [.. operations.Where(op => !op.IsOpen || (op.Input.IsWrite && MayBeSeen(op)))];
    }

    /// <summary>A point of the search: which operations took effect (as a fingerprint), and the register's value after them.</summary>
    private readonly record struct Configuration(Fingerprint Linearized, RegisterState State);

    /// <summary>
    /// The Zobrist fingerprint of a set of operation indexes: the XOR of two 64-bit numbers per
    /// member, derived from the index alone (SplitMix64), so a run is reproducible.
    /// </summary>
    private readonly record struct Fingerprint(ulong Low, ulong High)
    {
        /// <summary>The fingerprint with <paramref name="index"/> added, or removed if it was there.</summary>
        public Fingerprint Toggle(int index) => new(Low ^ Mix((ulong)index * 2), High ^ Mix(((ulong)index * 2) + 1));

        private static ulong Mix(ulong x)
        {
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }
}
