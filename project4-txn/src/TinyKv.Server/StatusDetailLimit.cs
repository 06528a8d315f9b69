using Grpc.Core;
using Grpc.Core.Interceptors;

namespace TinyKv.Server;

/// <summary>
/// Caps the message of every gRPC status the server sends at <see cref="MaxLength"/> characters.
/// </summary>
/// <remarks>
/// A status message travels in an HTTP/2 header (<c>grpc-message</c>), and clients bound the
/// size of the headers they accept. A status whose message is too large for the client never
/// reaches it: the call waits out its deadline, and the connection it shares with other calls
/// stalls them too. Messages quote keys through <see cref="Quote"/>, which keeps them short; this
/// interceptor is the server's own guard for any message that is not, on every RPC.
/// </remarks>
public sealed class StatusDetailLimit : Interceptor
{
    /// <summary>The longest status message sent, in characters (a few KB even percent-encoded).</summary>
    public const int MaxLength = 4096;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (RpcException refused) when (refused.Status.Detail.Length > MaxLength)
        {
            throw Capped(refused);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (RpcException refused) when (refused.Status.Detail.Length > MaxLength)
        {
            throw Capped(refused);
        }
    }

    /// <summary>The same refusal with its message cut to <see cref="MaxLength"/>.</summary>
    public static RpcException Capped(RpcException refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return new RpcException(new Status(refused.StatusCode, Quote.Capped(refused.Status.Detail, MaxLength)), refused.Trailers);
    }
}
