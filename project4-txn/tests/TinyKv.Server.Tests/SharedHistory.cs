using System.Diagnostics;
using TinyKv.TestKit.Linearizability;

namespace TinyKv.Server.Tests;

/// <summary>
/// The history of a test's concurrent clients against real servers: the simulator's
/// <see cref="HistoryRecorder"/> (single-threaded) behind a lock, timed by a stopwatch started
/// with it, for the linearizability check afterwards.
/// </summary>
internal sealed class SharedHistory
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly HistoryRecorder _recorder;

    public SharedHistory() => _recorder = new HistoryRecorder(() => (long)_clock.Elapsed.TotalMicroseconds);

    /// <summary>Time since the history began.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Records that <paramref name="client"/> called <paramref name="input"/>.</summary>
    public OperationId Invoke(int client, KvInput input)
    {
        lock (_lock)
        {
            return _recorder.Invoke(client, input);
        }
    }

    /// <summary>Records the answer of operation <paramref name="id"/>; an operation never answered stays open (unknown outcome).</summary>
    public void Return(OperationId id, KvOutput output)
    {
        lock (_lock)
        {
            _recorder.Return(id, output);
        }
    }

    /// <summary>The history recorded so far.</summary>
    public KvHistory ToHistory()
    {
        lock (_lock)
        {
            return _recorder.ToHistory();
        }
    }
}
