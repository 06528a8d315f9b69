namespace TinyKv.TestKit.Simulation;

/// <summary>Cuts one node off: every message to or from it is dropped.</summary>
public sealed class IsolateFilter(ulong node) : INetworkFilter
{
    /// <summary>The isolated node.</summary>
    public ulong Node { get; } = node;

    /// <inheritdoc/>
    public void Apply(Transmission transmission)
    {
        ArgumentNullException.ThrowIfNull(transmission);
        if (transmission.From == Node || transmission.To == Node)
        {
            transmission.Drop($"isolate {Node}");
        }
    }
}
