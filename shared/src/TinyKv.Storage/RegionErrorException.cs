namespace TinyKv.Storage;

/// <summary>
/// Thrown by a replicated storage when a request cannot be served by this peer (it is not the
/// leader, the region moved or split, the epoch is stale). The KV handlers do not retry it: they
/// put <see cref="Error"/> into the response's <c>region_error</c>, and the client retries
/// elsewhere. Standalone storage never throws it.
/// </summary>
public sealed class RegionErrorException : Exception
{
    public RegionErrorException()
        : this(new Proto.Errorpb.Error { Message = "region error" })
    {
    }

    public RegionErrorException(string message)
        : this(new Proto.Errorpb.Error { Message = message })
    {
    }

    public RegionErrorException(string message, Exception innerException)
        : base(message, innerException) => Error = new Proto.Errorpb.Error { Message = message };

    /// <summary>Wraps <paramref name="error"/>, whose message becomes the exception's.</summary>
    public RegionErrorException(Proto.Errorpb.Error error)
        : base(error?.Message ?? throw new ArgumentNullException(nameof(error))) => Error = error;

    /// <summary>The error to hand back to the client.</summary>
    public Proto.Errorpb.Error Error { get; }

    /// <summary>
    /// Runs <paramref name="handler"/>; when it fails with a region error, answers with the
    /// response <paramref name="regionError"/> makes of it (the response's <c>region_error</c>),
    /// as a client expects, instead of failing the call.
    /// </summary>
    public static async Task<T> AnswerWithAsync<T>(Func<Task<T>> handler, Func<Proto.Errorpb.Error, T> regionError)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(regionError);
        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (RegionErrorException e)
        {
            return regionError(e.Error);
        }
    }
}
