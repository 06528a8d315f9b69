namespace TinyKv.Bench.Targets;

/// <summary>
/// A kind of server the load loop drives: it makes one <see cref="IBenchClient"/> per
/// closed-loop client, all sharing the target's gRPC channels. Disposing it closes them.
/// </summary>
public interface IBenchTarget : IAsyncDisposable
{
    /// <summary>The session of client number <paramref name="clientIndex"/> (0-based).</summary>
    IBenchClient CreateClient(int clientIndex);
}

/// <summary>
/// One closed-loop client's view of the server: one operation at a time. An operation never
/// throws for a failure the server or the network reports: it answers an <see cref="OpOutcome"/>
/// naming the failure's kind. Only cancellation of <c>cancellationToken</c> ends it with an exception.
/// </summary>
/// <remarks>Not thread-safe: one operation at a time.</remarks>
public interface IBenchClient
{
    Task<OpOutcome> PutAsync(byte[] key, byte[] value, CancellationToken cancellationToken);

    Task<OpOutcome> GetAsync(byte[] key, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="value"/> to every key of <paramref name="keys"/> atomically.</summary>
    Task<OpOutcome> TxnAsync(IReadOnlyList<byte[]> keys, byte[] value, CancellationToken cancellationToken);
}

/// <summary>How one operation ended.</summary>
/// <param name="Error">The kind of the failure (see <see cref="ErrorKinds"/>), or null when it succeeded.</param>
/// <param name="Retries">The kind of each failed attempt that was sent again, in order; empty when the first attempt answered.</param>
public sealed record OpOutcome(string? Error, IReadOnlyList<string> Retries)
{
    private static readonly OpOutcome s_ok = new(null, []);

    public bool Succeeded => Error is null;

    /// <summary>Success at the first attempt.</summary>
    public static OpOutcome Ok() => s_ok;

    /// <summary>Success, or failure of kind <paramref name="error"/>, after <paramref name="retries"/>.</summary>
    public static OpOutcome Of(string? error, IReadOnlyList<string> retries) =>
        error is null && retries.Count == 0 ? s_ok : new OpOutcome(error, retries);
}
