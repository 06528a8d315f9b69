using Google.Protobuf;

namespace TinyKv.TestKit.Simulation;

/// <summary>
/// One message on its way through the filters of <see cref="SimulatedNetwork{TMessage}"/>:
/// who sends it to whom, and the plan the filters shape (dropped, or one delay per copy to
/// deliver). Filters read <see cref="Message"/> and must not change it.
/// </summary>
public sealed class Transmission
{
    // The first copy's delay, and those of the duplicates (a list only once there is one: most
    // messages are sent once).
    private long _first;
    private List<long>? _duplicates;

    internal Transmission(long id, ulong from, ulong to, IMessage message, long baseLatency)
    {
        Id = id;
        From = from;
        To = to;
        Message = message;
        _first = baseLatency;
    }

    /// <summary>The network's number for this message, as in the trace (#id).</summary>
    public long Id { get; }

    /// <summary>The sending node.</summary>
    public ulong From { get; }

    /// <summary>The receiving node.</summary>
    public ulong To { get; }

    /// <summary>The message as sent (read only).</summary>
    public IMessage Message { get; }

    /// <summary>True once a filter dropped the message; later filters are not asked.</summary>
    public bool IsDropped => DropReason is not null;

    /// <summary>Which filter dropped the message, or null.</summary>
    public string? DropReason { get; private set; }

    /// <summary>The delay of each copy that will be delivered (one unless duplicated), microseconds from the send.</summary>
    public IReadOnlyList<long> Delays => [.. Enumerable.Range(0, CopyCount).Select(DelayOf)];

    /// <summary>How many copies will be delivered (one unless duplicated).</summary>
    public int CopyCount => 1 + (_duplicates?.Count ?? 0);

    /// <summary>The delay of copy <paramref name="copy"/> (0 is the original), microseconds from the send.</summary>
    public long DelayOf(int copy) => copy == 0 ? _first : _duplicates![copy - 1];

    /// <summary>Drops the message; <paramref name="reason"/> goes into the trace.</summary>
    public void Drop(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        DropReason ??= reason;
    }

    /// <summary>Delays every copy by <paramref name="micros"/> more.</summary>
    public void AddDelay(long micros)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(micros);
        _first = checked(_first + micros);
        for (var i = 0; i < (_duplicates?.Count ?? 0); i++)
        {
            _duplicates![i] = checked(_duplicates[i] + micros);
        }
    }

    /// <summary>Delays copy <paramref name="copy"/> (0 is the original) by <paramref name="micros"/> more.</summary>
    public void AddDelay(int copy, long micros)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(micros);
        ArgumentOutOfRangeException.ThrowIfNegative(copy);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(copy, CopyCount);
        if (copy == 0)
        {
            _first = checked(_first + micros);
        }
        else
        {
            _duplicates![copy - 1] = checked(_duplicates[copy - 1] + micros);
        }
    }

    /// <summary>Adds a copy delivered <paramref name="extraMicros"/> after the original.</summary>
    public void Duplicate(long extraMicros)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(extraMicros);
        (_duplicates ??= []).Add(checked(_first + extraMicros));
    }
}
