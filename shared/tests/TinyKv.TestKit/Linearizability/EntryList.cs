namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// The history of one key as a doubly linked list of call and return events, by time, with a
/// sentinel head. Linearizing an operation <see cref="Lift"/>s its call and return out of the
/// list; backtracking <see cref="Unlift"/>s them back, in the reverse order (a stack discipline,
/// so the neighbours an entry remembers are still right when it comes back).
/// </summary>
/// <remarks>
/// Two events at the same virtual time are ordered calls first: an operation that returns at
/// <c>t</c> and one called at <c>t</c> are concurrent, so either may take effect first. Only a
/// return strictly before a call orders two operations. Open operations return at +infinity,
/// after every other event.
/// </remarks>
internal sealed class EntryList
{
    private EntryList(Entry head) => Head = head;

    /// <summary>The sentinel before the first event; the list is empty when <c>Head.Next</c> is null.</summary>
    public Entry Head { get; }

    /// <summary>The events of <paramref name="operations"/>; entry <see cref="Entry.Index"/> is the position in that list.</summary>
    public static EntryList Build(IReadOnlyList<KvOperation> operations)
    {
        var events = new List<(long Time, int IsReturn, int Index)>(operations.Count * 2);
        for (var i = 0; i < operations.Count; i++)
        {
            events.Add((operations[i].CallTime, 0, i));
            events.Add((operations[i].ReturnTime ?? long.MaxValue, 1, i));
        }

        // (time, call before return, position): ties between a return and a call make them concurrent.
        events.Sort();

        var calls = new Entry[operations.Count];
        var head = new Entry(-1, null!);
        var last = head;
        foreach (var (_, isReturn, index) in events)
        {
            var entry = new Entry(index, operations[index]);
            if (isReturn == 0)
            {
                calls[index] = entry;
            }
            else
            {
                calls[index].Match = entry;
            }

            entry.Prev = last;
            last.Next = entry;
            last = entry;
        }

        return new EntryList(head);
    }

    /// <summary>Takes a call entry and its return out of the list.</summary>
    public static void Lift(Entry call)
    {
        var ret = call.Match!;
        call.Prev!.Next = call.Next;
        call.Next!.Prev = call.Prev;
        ret.Prev!.Next = ret.Next;
        if (ret.Next is not null)
        {
            ret.Next.Prev = ret.Prev;
        }
    }

    /// <summary>Puts back a call entry and its return lifted by <see cref="Lift"/>.</summary>
    public static void Unlift(Entry call)
    {
        var ret = call.Match!;
        ret.Prev!.Next = ret;
        if (ret.Next is not null)
        {
            ret.Next.Prev = ret;
        }

        call.Prev!.Next = call;
        call.Next!.Prev = call;
    }
}

/// <summary>One call or return event of an <see cref="EntryList"/>.</summary>
internal sealed class Entry(int index, KvOperation operation)
{
    /// <summary>The operation's position in the checked list.</summary>
    public int Index { get; } = index;

    /// <summary>The operation this event belongs to.</summary>
    public KvOperation Operation { get; } = operation;

    /// <summary>For a call, its return event; null for a return.</summary>
    public Entry? Match { get; set; }

    public Entry? Prev { get; set; }

    public Entry? Next { get; set; }

    /// <summary>True for a call event.</summary>
    public bool IsCall => Match is not null;
}
