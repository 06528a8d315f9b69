namespace TinyKv.TestKit.Simulation;

/// <summary>
/// A rule of the simulated network, asked once per message at send time, in the order the
/// filters were added: it may drop the message, delay it, or add copies
/// (see <see cref="Transmission"/>). The filters of the original harness
/// (kv/test_raftstore/filter.go) and the list are in this folder; a filter that draws
/// random numbers takes its own seeded stream, so a seed replays its choices.
/// </summary>
public interface INetworkFilter
{
    /// <summary>Shapes <paramref name="transmission"/>; called only while it is not dropped.</summary>
    void Apply(Transmission transmission);
}
