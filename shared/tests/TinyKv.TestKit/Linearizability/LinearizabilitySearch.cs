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
        var linearized = new Bitset(checkable.Count);
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
                if (KvRegisterModel.Step(state, prepared[entry.Index], out var next))
                {
                    linearized.Set(entry.Index);
                    var configuration = new Configuration(linearized, next);
                    if (!cache.Contains(configuration))
                    {
                        cache.Add(new Configuration(linearized.Clone(), next));
                        calls.Push((entry, state));
                        state = next;
                        EntryList.Lift(entry);
                        entry = list.Head.Next;
                        continue;
                    }

                    linearized.Clear(entry.Index);
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
                linearized.Clear(call.Index);
                EntryList.Unlift(call);
                entry = call.Next;
            }
        }

        return CheckResult.Ok;
    }

    /// <summary>
    /// The operations the search must order: all but those that cannot change the verdict. An
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

    /// <summary>A point of the search: which operations took effect, and the register's value after them.</summary>
    private readonly struct Configuration(Bitset linearized, RegisterState state) : IEquatable<Configuration>
    {
        private readonly Bitset _linearized = linearized;
        private readonly RegisterState _state = state;

        public bool Equals(Configuration other) => _state.Equals(other._state) && _linearized.Equals(other._linearized);

        public override bool Equals(object? obj) => obj is Configuration other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(_linearized.GetHashCode(), _state.GetHashCode());
    }
}
