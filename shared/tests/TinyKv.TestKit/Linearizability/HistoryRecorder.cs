namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// Records the client history of a test: a client calls <see cref="Invoke(int, KvInput)"/> when it
/// sends a request and <see cref="Return(OperationId, KvOutput)"/> when the answer arrives. An
/// operation never returned stays open (outcome unknown), which is how a timed-out request or the
/// request of a crashed client must be left. Times are virtual microseconds.
/// </summary>
/// <remarks>
/// Not thread-safe: it is meant for the single-threaded simulator, where every client runs on the
/// simulator's thread.
/// </remarks>
public sealed class HistoryRecorder
{
    private readonly Func<long>? _clock;
    private readonly List<KvOperation> _operations = [];
    private int _open;

    /// <summary>A recorder whose callers pass every time explicitly.</summary>
    public HistoryRecorder()
    {
    }

    /// <summary>A recorder that reads call and return times from <paramref name="clock"/> (e.g. <c>() =&gt; simulator.Now</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    public HistoryRecorder(Func<long> clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
    }

    /// <summary>How many operations were invoked.</summary>
    public int Count => _operations.Count;

    /// <summary>How many of them have not returned (yet).</summary>
    public int OpenCount => _open;

    /// <summary>
    /// Records an operation that already returned: the same as <see cref="Invoke(int, KvInput, long)"/>
    /// followed at once by <see cref="Return(OperationId, KvOutput, long)"/>, in one step (a scan
    /// records one read per key it covers).
    /// </summary>
    /// <returns>The operation's handle (already returned).</returns>
    /// <exception cref="ArgumentException"><paramref name="input"/> is a default value, or a write is given a value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="returnTime"/> is before <paramref name="callTime"/>.</exception>
    public OperationId Completed(int clientId, KvInput input, KvOutput output, long callTime, long returnTime)
    {
        if (input.Key is null)
        {
            throw new ArgumentException("build inputs with KvInput.Get/Put/Append/Delete", nameof(input));
        }

        if (returnTime < callTime)
        {
            throw new ArgumentOutOfRangeException(nameof(returnTime), returnTime, $"operation {_operations.Count} was called at {callTime}µs; it cannot return earlier");
        }

        if (input.IsWrite && output.Value is not null)
        {
            throw new ArgumentException($"a {input.Kind} returns no value; pass KvOutput.None", nameof(output));
        }

        var id = _operations.Count;
        _operations.Add(new KvOperation(id, clientId, input, output, callTime, returnTime));
        return new OperationId(id);
    }

    /// <summary>Records that <paramref name="clientId"/> sent <paramref name="input"/> now, by the recorder's clock.</summary>
    /// <returns>The handle to pass to <see cref="Return(OperationId, KvOutput)"/>.</returns>
    /// <exception cref="InvalidOperationException">The recorder was created without a clock.</exception>
    public OperationId Invoke(int clientId, KvInput input) => Invoke(clientId, input, Now());

    /// <summary>Records that <paramref name="clientId"/> sent <paramref name="input"/> at <paramref name="callTime"/> (virtual microseconds).</summary>
    /// <returns>The handle to pass to <see cref="Return(OperationId, KvOutput, long)"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="input"/> is a default value, not built by <see cref="KvInput"/>'s factories.</exception>
    public OperationId Invoke(int clientId, KvInput input, long callTime)
    {
        if (input.Key is null)
        {
            throw new ArgumentException("build inputs with KvInput.Get/Put/Append/Delete", nameof(input));
        }

        var id = _operations.Count;
        _operations.Add(new KvOperation(id, clientId, input, KvOutput.None, callTime, ReturnTime: null));
        _open++;
        return new OperationId(id);
    }

    /// <summary>Records that operation <paramref name="id"/> answered <paramref name="output"/> now, by the recorder's clock.</summary>
    /// <exception cref="InvalidOperationException">The recorder was created without a clock, or the operation already returned.</exception>
    /// <exception cref="ArgumentException">See <see cref="Return(OperationId, KvOutput, long)"/>.</exception>
    public void Return(OperationId id, KvOutput output) => Return(id, output, Now());

    /// <summary>Records that operation <paramref name="id"/> answered <paramref name="output"/> at <paramref name="returnTime"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="id"/> was not given by this recorder, or a write answers a value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="returnTime"/> is before the call.</exception>
    /// <exception cref="InvalidOperationException">The operation already returned.</exception>
    public void Return(OperationId id, KvOutput output, long returnTime)
    {
        if (id.Value < 0 || id.Value >= _operations.Count)
        {
            throw new ArgumentException($"operation {id.Value} was not invoked on this recorder", nameof(id));
        }

        var op = _operations[id.Value];
        if (!op.IsOpen)
        {
            throw new InvalidOperationException($"operation {id.Value} ({OperationText.Describe(op)}) already returned at {op.ReturnTime}µs");
        }

        if (returnTime < op.CallTime)
        {
            throw new ArgumentOutOfRangeException(nameof(returnTime), returnTime, $"operation {id.Value} was called at {op.CallTime}µs; it cannot return earlier");
        }

        if (op.Input.IsWrite && output.Value is not null)
        {
            throw new ArgumentException($"a {op.Input.Kind} returns no value; pass KvOutput.None", nameof(output));
        }

        _operations[id.Value] = op with { Output = output, ReturnTime = returnTime };
        _open--;
    }

    /// <summary>The history so far; operations that have not returned are open.</summary>
    public KvHistory ToHistory() => new(_operations);

    private long Now() =>
        _clock is null
            ? throw new InvalidOperationException("this recorder has no clock: pass the time explicitly, or create it with HistoryRecorder(Func<long> clock)")
            : _clock();
}
