namespace TinyKv.TestKit.Simulation;

/// <summary>
/// A simulated run failed: an event threw, or the run exceeded its event budget. The message
/// names the seed, the virtual time, the command that replays the run, and the tail of the trace.
/// </summary>
public sealed class SimulationFailedException : Exception
{
    /// <summary>Creates the failure of a run.</summary>
    public SimulationFailedException(string message, long seed, long virtualTime, string replayCommand, Exception? inner = null)
        : base(message, inner)
    {
        Seed = seed;
        VirtualTime = virtualTime;
        ReplayCommand = replayCommand;
    }

    /// <summary>The master seed of the failed run.</summary>
    public long Seed { get; }

    /// <summary>The virtual time (microseconds) at which it failed.</summary>
    public long VirtualTime { get; }

    /// <summary>The shell command that replays the run.</summary>
    public string ReplayCommand { get; }

    /// <inheritdoc cref="Exception()"/>
    public SimulationFailedException()
        : this("simulation failed", 0, 0, string.Empty)
    {
    }

    /// <inheritdoc cref="Exception(string)"/>
    public SimulationFailedException(string message)
        : this(message, 0, 0, string.Empty)
    {
    }

    /// <inheritdoc cref="Exception(string, Exception)"/>
    public SimulationFailedException(string message, Exception innerException)
        : this(message, 0, 0, string.Empty, innerException)
    {
    }
}
