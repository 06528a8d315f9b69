using Google.Protobuf;

namespace TinyKv.TestKit.Simulation;

/// <summary>
/// Drops the messages a predicate picks (by type, by term, by anything in the message), as the
/// original harness's ad-hoc filters do; <see cref="Name"/> goes into the trace.
/// </summary>
public sealed class MessageFilter<TMessage> : INetworkFilter
    where TMessage : IMessage<TMessage>
{
    private readonly Func<ulong, ulong, TMessage, bool> _drop;

    /// <summary>Drops a message from → to when <paramref name="drop"/>(from, to, message) is true.</summary>
    public MessageFilter(string name, Func<ulong, ulong, TMessage, bool> drop)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(drop);
        Name = name;
        _drop = drop;
    }

    /// <summary>The name in the trace.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public void Apply(Transmission transmission)
    {
        ArgumentNullException.ThrowIfNull(transmission);
        if (transmission.Message is TMessage message && _drop(transmission.From, transmission.To, message))
        {
            transmission.Drop(Name);
        }
    }
}
