namespace TinyKv.Client;

/// <summary>
/// The retry budget of one operation: counts attempts, waits between them (doubling from
/// <see cref="PercolatorClientOptions.InitialBackoff"/> up to <see cref="PercolatorClientOptions.MaxBackoff"/>),
/// and gives up with <see cref="RetryLimitExceededException"/> once the attempts are spent.
/// </summary>
internal sealed class Backoff
{
    private readonly PercolatorClientOptions _options;
    private readonly string _operation;
    private readonly ulong _startTs;
    private TimeSpan _next;
    private int _attempts = 1;

    public Backoff(PercolatorClientOptions options, string operation, ulong startTs)
    {
        _options = options;
        _operation = operation;
        _startTs = startTs;
        _next = options.InitialBackoff;
    }

    /// <summary>Counts one more attempt, to be made at once (something changed: a lock was resolved).</summary>
    /// <exception cref="RetryLimitExceededException">The attempts are spent.</exception>
    public void Again(string reason)
    {
        if (_attempts >= _options.MaxAttempts)
        {
            throw new RetryLimitExceededException($"gave up {_operation} after {_attempts} attempts; last: {reason}") { StartTs = _startTs };
        }

        _attempts++;
    }

    /// <summary>Counts one more attempt and waits before it.</summary>
    /// <exception cref="RetryLimitExceededException">The attempts are spent.</exception>
    public async Task WaitAsync(string reason, CancellationToken cancellationToken)
    {
        Again(reason);
        await _options.Sleep(_next, cancellationToken).ConfigureAwait(false);
        _next = _next * 2 < _options.MaxBackoff ? _next * 2 : _options.MaxBackoff;
    }
}
