using System.Globalization;
using Google.Protobuf;

namespace TinyKv.TestKit.Simulation;

/// <summary>
/// The in-memory transport of the simulator. <see cref="Send"/> passes the message through the
/// filters and schedules each copy's delivery on the <see cref="Simulator"/>; each copy is a deep
/// clone made at send time (what a real transport's serialize-and-parse gives, without the bytes:
/// the same fields, and no object shared with the sender or with another copy). Every send, drop and delivery goes into the
/// trace. Delivery is not guaranteed: filters drop, delay, duplicate and reorder; a message to
/// a node with no endpoint at delivery time (crashed, not started) is lost.
/// </summary>
/// <remarks>
/// Filters are asked at send time, in the order they were added; a message already in flight
/// is not affected by filters added later (a healed partition does not bring back what it
/// dropped, a new one does not catch what already left).
/// </remarks>
public sealed class SimulatedNetwork<TMessage>
    where TMessage : IMessage<TMessage>, new()
{
    private readonly Simulator _simulator;
    private readonly SortedDictionary<ulong, Action<TMessage>> _endpoints = [];
    private readonly List<(ulong? From, ulong? To, INetworkFilter Filter)> _filters = [];
    private readonly Func<TMessage, string>? _describe;
    private readonly MessageDescriber<TMessage>? _describeInto;
    private readonly string _sendKind;
    private readonly string _deliverKind;
    private readonly string _lostKind;

    // The send, deliver and lost lines are formatted here, not into strings: a run sends
    // hundreds of thousands of messages per wall second.
    private char[] _line = new char[256];
    private long _nextId = 1;
    private ulong _filterStreams;

    /// <summary>
    /// Creates a network on <paramref name="simulator"/> whose messages take
    /// <paramref name="baseLatencyMicros"/> before filters add to it; <paramref name="describe"/>
    /// renders a message in the trace (default: its protobuf JSON form).
    /// </summary>
    public SimulatedNetwork(Simulator simulator, long baseLatencyMicros = 1_000, string name = "net", Func<TMessage, string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentOutOfRangeException.ThrowIfNegative(baseLatencyMicros);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _simulator = simulator;
        BaseLatencyMicros = baseLatencyMicros;
        Name = name;
        _sendKind = name + ".send";
        _deliverKind = name + ".deliver";
        _lostKind = name + ".lost";
        _describe = describe ?? (message => message.ToString() ?? string.Empty);
    }

    /// <summary>
    /// Creates a network whose trace renders a message with <paramref name="describeInto"/>,
    /// which writes the text straight into the line being recorded (no string per message);
    /// otherwise as <see cref="SimulatedNetwork{TMessage}(Simulator, long, string, Func{TMessage, string}?)"/>.
    /// </summary>
    public SimulatedNetwork(Simulator simulator, long baseLatencyMicros, string name, MessageDescriber<TMessage> describeInto)
        : this(simulator, baseLatencyMicros, name)
    {
        ArgumentNullException.ThrowIfNull(describeInto);
        _describe = null;
        _describeInto = describeInto;
    }

    /// <summary>The network's name: the prefix of its trace kinds and random streams.</summary>
    public string Name { get; }

    /// <summary>The latency of every message before filters.</summary>
    public long BaseLatencyMicros { get; set; }

    /// <summary>Messages handed to <see cref="Send"/>.</summary>
    public long Sent { get; private set; }

    /// <summary>Messages a filter dropped.</summary>
    public long Dropped { get; private set; }

    /// <summary>Copies handed to an endpoint.</summary>
    public long Delivered { get; private set; }

    /// <summary>Copies that arrived where no endpoint was registered.</summary>
    public long Lost { get; private set; }

    /// <summary>The nodes with an endpoint, in id order.</summary>
    public IEnumerable<ulong> Nodes => _endpoints.Keys;

    /// <summary>Connects node <paramref name="node"/>: messages delivered to it go to <paramref name="handler"/>.</summary>
    /// <exception cref="InvalidOperationException">The node already has an endpoint.</exception>
    public void Register(ulong node, Action<TMessage> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!_endpoints.TryAdd(node, handler))
        {
            throw new InvalidOperationException($"node {node} already has an endpoint on {Name}");
        }
    }

    /// <summary>Disconnects node <paramref name="node"/> (a crash): messages arriving for it from now on are lost.</summary>
    /// <returns>False if it had no endpoint.</returns>
    public bool Unregister(ulong node) => _endpoints.Remove(node);

    /// <summary>Sends <paramref name="message"/> from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <returns>False if a filter dropped it; true if at least one copy is on its way (which does not mean it arrives).</returns>
    public bool Send(ulong from, ulong to, TMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var transmission = new Transmission(_nextId++, from, to, message, BaseLatencyMicros);
        Sent++;
        RecordSend(transmission.Id, from, to, message);
        foreach (var (linkFrom, linkTo, filter) in _filters)
        {
            if (transmission.IsDropped)
            {
                break;
            }

            if ((linkFrom is null || linkFrom == from) && (linkTo is null || linkTo == to))
            {
                filter.Apply(transmission);
            }
        }

        if (transmission.IsDropped)
        {
            Dropped++;
            _simulator.Record($"{Name}.drop", $"{Link(transmission)} by {transmission.DropReason}");
            return false;
        }

        // Cloned now, as a real transport serializes at send: a change the sender makes later
        // does not travel, and the copies of a duplicated message do not share objects.
        for (var copy = 0; copy < transmission.CopyCount; copy++)
        {
            _simulator.Schedule(transmission.DelayOf(copy), new Delivery(this, transmission.Id, from, to, copy, message.Clone()).Run);
        }

        return true;
    }

    /// <summary>Adds a filter for every message.</summary>
    /// <returns>The filter, to remove it later.</returns>
    public T AddFilter<T>(T filter)
        where T : INetworkFilter => AddFilter(null, null, filter);

    /// <summary>Adds a filter for the directed link <paramref name="from"/> → <paramref name="to"/> only.</summary>
    /// <returns>The filter, to remove it later.</returns>
    public T AddFilter<T>(ulong from, ulong to, T filter)
        where T : INetworkFilter => AddFilter((ulong?)from, to, filter);

    /// <summary>Removes every use of <paramref name="filter"/>.</summary>
    /// <returns>False if it was not in use.</returns>
    public bool RemoveFilter(INetworkFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var removed = _filters.RemoveAll(entry => ReferenceEquals(entry.Filter, filter)) > 0;
        if (removed)
        {
            _simulator.Record($"{Name}.filter", $"remove {filter.GetType().Name}");
        }

        return removed;
    }

    /// <summary>Removes every filter: the network is reliable again (base latency only).</summary>
    public void ClearFilters()
    {
        _filters.Clear();
        _simulator.Record($"{Name}.filter", "clear");
    }

    /// <summary>A new seeded stream for a filter; each call gives the next one, so a seed replays the filters' choices.</summary>
    public Random NextFilterStream() => _simulator.Streams.Stream($"{Name}.filter", ++_filterStreams);

    /// <summary>Partitions the nodes into <paramref name="groups"/>; see <see cref="PartitionFilter"/>.</summary>
    public PartitionFilter Partition(params ulong[][] groups) => AddFilter(new PartitionFilter(groups));

    /// <summary>Cuts <paramref name="node"/> off; see <see cref="IsolateFilter"/>.</summary>
    public IsolateFilter Isolate(ulong node) => AddFilter(new IsolateFilter(node));

    /// <summary>Drops a <paramref name="fraction"/> of all messages; see <see cref="DropFilter"/>.</summary>
    public DropFilter DropFraction(double fraction) => AddFilter(new DropFilter(fraction, NextFilterStream()));

    /// <summary>Delays every message by <paramref name="minMicros"/>..<paramref name="maxMicros"/> more; see <see cref="DelayFilter"/>.</summary>
    public DelayFilter Delay(long minMicros, long maxMicros) => AddFilter(new DelayFilter(minMicros, maxMicros, NextFilterStream()));

    /// <summary>Delivers a <paramref name="probability"/> of messages twice; see <see cref="DuplicateFilter"/>.</summary>
    public DuplicateFilter Duplicate(double probability, long maxExtraMicros) =>
        AddFilter(new DuplicateFilter(probability, maxExtraMicros, NextFilterStream()));

    /// <summary>Jitters every copy by up to <paramref name="maxJitterMicros"/>; see <see cref="ReorderFilter"/>.</summary>
    public ReorderFilter Reorder(long maxJitterMicros) => AddFilter(new ReorderFilter(maxJitterMicros, NextFilterStream()));

    private T AddFilter<T>(ulong? from, ulong? to, T filter)
        where T : INetworkFilter
    {
        ArgumentNullException.ThrowIfNull(filter);
        _filters.Add((from, to, filter));
        var scope = from is null ? "all" : string.Create(CultureInfo.InvariantCulture, $"{from}->{to}");
        _simulator.Record($"{Name}.filter", $"add {filter.GetType().Name} on {scope}");
        return filter;
    }

    private void Deliver(Delivery delivery)
    {
        if (!_endpoints.TryGetValue(delivery.To, out var handler))
        {
            Lost++;
            RecordLink(_lostKind, delivery, " (no endpoint)");
            return;
        }

        Delivered++;
        RecordLink(_deliverKind, delivery, "");
        handler(delivery.Message);
    }

    // "#id from->to description", as the send line has always read.
    private void RecordSend(long id, ulong from, ulong to, TMessage message)
    {
        while (true)
        {
            var line = _line.AsSpan();
            if (line.TryWrite(CultureInfo.InvariantCulture, $"#{id} {from}->{to} ", out var written))
            {
                if (_describeInto is not null)
                {
                    if (_describeInto(message, line[written..], out var described))
                    {
                        _simulator.Record(_sendKind, line[..(written + described)]);
                        return;
                    }
                }
                else if (_describe!(message) is var text && text.AsSpan().TryCopyTo(line[written..]))
                {
                    _simulator.Record(_sendKind, line[..(written + text.Length)]);
                    return;
                }
            }

            _line = new char[_line.Length * 2];
        }
    }

    // "#id from->to" (" copy n" for a duplicate), then the suffix: the label of a delivery.
    private void RecordLink(string kind, Delivery delivery, string suffix)
    {
        while (true)
        {
            var line = _line.AsSpan();
            var written = delivery.Copy == 0
                ? line.TryWrite(CultureInfo.InvariantCulture, $"#{delivery.Id} {delivery.From}->{delivery.To}{suffix}", out var n) ? n : -1
                : line.TryWrite(CultureInfo.InvariantCulture, $"#{delivery.Id} {delivery.From}->{delivery.To} copy {delivery.Copy}{suffix}", out n) ? n : -1;
            if (written >= 0)
            {
                _simulator.Record(kind, line[..written]);
                return;
            }

            _line = new char[_line.Length * 2];
        }
    }

    private static string Link(Transmission transmission) =>
        string.Create(CultureInfo.InvariantCulture, $"#{transmission.Id} {transmission.From}->{transmission.To}");

    /// <summary>One copy of a message on its way: what its delivery needs, and its label in the trace.</summary>
    private sealed class Delivery(SimulatedNetwork<TMessage> network, long id, ulong from, ulong to, int copy, TMessage message)
    {
        public long Id => id;

        public ulong From => from;

        public ulong To => to;

        public int Copy => copy;

        public TMessage Message => message;

        public void Run() => network.Deliver(this);
    }
}

/// <summary>
/// Writes the trace text of <paramref name="message"/> into <paramref name="destination"/>;
/// false when it does not fit (the caller retries with a larger one).
/// </summary>
public delegate bool MessageDescriber<in TMessage>(TMessage message, Span<char> destination, out int written);
