using Google.Protobuf;

namespace TinyKv.TestKit.Simulation;

/// <summary>
/// One message on its way through the filters of <see cref="SimulatedNetwork{TMessage}"/>:
/// who sends it to whom, and the plan the filters shape (dropped, or one delay per copy to
/// deliver). Filters read <see cref="Message"/> and must not change it.
/// </summary>
public sealed class Transmission
{
    private readonly List<long> _delays;

    internal Transmission(long id, ulong from, ulong to, IMessage message, long baseLatency)
    {
        Id = id;
        From = from;
        To = to;
        Message = message;
        _delays = [baseLatency];
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
    public IReadOnlyList<long> Delays => _delays;

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
        for (var i = 0; i < _delays.Count; i++)
        {
            _delays[i] = checked(_delays[i] + micros);
        }
    }

    /// <summary>Delays copy <paramref name="copy"/> (0 is the original) by <paramref name="micros"/> more.</summary>
    public void AddDelay(int copy, long micros)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(micros);
        _delays[copy] = checked(_delays[copy] + micros);
    }

    /// <summary>Adds a copy delivered <paramref name="extraMicros"/> after the original.</summary>
    public void Duplicate(long extraMicros)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(extraMicros);
        _delays.Add(checked(_delays[0] + extraMicros));
    }
}
