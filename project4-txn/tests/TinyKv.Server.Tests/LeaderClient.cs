using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Server.Replication;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Server.Tests;

/// <summary>
/// A client of a replicated cluster that finds the leader as a TinyKV client does: it tries a
/// server, follows a NotLeader hint, and tries the next server when one does not answer. Every
/// call is bounded in time.
/// </summary>
public sealed class LeaderClient : IDisposable
{
    private static readonly TimeSpan s_callLimit = TimeSpan.FromSeconds(30);
    private readonly Dictionary<ulong, GrpcChannel> _channels = [];
    private readonly List<ulong> _ids;
    private ulong _leader;

    /// <summary>A client of the servers of <paramref name="members"/>.</summary>
    public LeaderClient(ClusterMembers members)
    {
        foreach (var (id, url) in members.Stores)
        {
            // More than one HTTP/2 connection per server once a connection's streams are all busy
            // (a server allows 100 at a time), so hundreds of concurrent calls do not queue here.
            _channels[id] = GrpcChannel.ForAddress(url, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            });
        }

        _ids = [.. members.Stores.Keys];
        _leader = _ids[0];
    }

    /// <summary>The store that answered the last successful call.</summary>
    public ulong LastLeader => _leader;

    /// <summary>The client of store <paramref name="id"/>'s server.</summary>
    public TinyKvClient Client(ulong id) => new(_channels[id]);

    /// <summary>
    /// Runs <paramref name="attempt"/> against a follower: writes a probe to learn the leader, then
    /// hands <paramref name="attempt"/> another store and the attempt's number. Leadership may move
    /// in between (a busy machine delays heartbeats); <paramref name="attempt"/> returns false when
    /// the store it was given turned out to lead, and is tried again, at most five times.
    /// </summary>
    /// <exception cref="InvalidOperationException">Leadership moved on every try.</exception>
    public async Task AtAFollowerAsync(Func<ulong, int, Task<bool>> attempt)
    {
        const int tries = 5;
        for (var i = 0; i < tries; i++)
        {
            await PutAsync("probe", $"{i}");
            if (await attempt(_ids.First(id => id != _leader), i))
            {
                return;
            }
        }

        throw new InvalidOperationException($"leadership moved on every one of {tries} tries; the cluster never settled");
    }

    /// <summary>Writes <paramref name="key"/> at the leader.</summary>
    public Task PutAsync(string key, string value) =>
        CallAsync(
            (client, token) => client.RawPutAsync(new RawPutRequest { Key = Text(key), Value = Text(value), Cf = "default" }, cancellationToken: token).ResponseAsync,
            r => r.RegionError,
            r => r.Error);

    /// <summary>Reads <paramref name="key"/> at the leader; null when absent.</summary>
    public async Task<string?> GetAsync(string key)
    {
        var response = await CallAsync(
            (client, token) => client.RawGetAsync(new RawGetRequest { Key = Text(key), Cf = "default" }, cancellationToken: token).ResponseAsync,
            r => r.RegionError,
            r => r.Error);
        return response.NotFound ? null : response.Value.ToStringUtf8();
    }

    /// <summary>
    /// Calls <paramref name="call"/> at the leader, retrying elsewhere on a region error or an
    /// unreachable server until it succeeds or <see cref="s_callLimit"/> passed. A region error
    /// that <paramref name="expected"/> accepts is an answer too: the response is returned.
    /// </summary>
    /// <exception cref="TimeoutException">No server answered without a region error in time.</exception>
    /// <exception cref="InvalidOperationException">A server answered with an error that is not a region error.</exception>
    public async Task<T> CallAsync<T>(
        Func<TinyKvClient, CancellationToken, Task<T>> call,
        Func<T, Proto.Errorpb.Error?> regionError,
        Func<T, string>? error = null,
        Func<Proto.Errorpb.Error, bool>? expected = null)
    {
        using var limit = new CancellationTokenSource(s_callLimit);
        var target = _leader;
        var last = "no attempt";
        while (!limit.IsCancellationRequested)
        {
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
                attempt.CancelAfter(TimeSpan.FromSeconds(6));
                var response = await call(Client(target), attempt.Token);
                if (regionError(response) is not { } region || expected?.Invoke(region) == true)
                {
                    if (error?.Invoke(response) is { Length: > 0 } message)
                    {
                        throw new InvalidOperationException($"store {target} answered with an error: {message}");
                    }

                    _leader = target;
                    return response;
                }

                last = $"store {target}: {region.Message}";
                target = region.NotLeader?.Leader is { StoreId: > 0 } hint && _channels.ContainsKey(hint.StoreId) && hint.StoreId != target
                    ? hint.StoreId
                    : Next(target);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled)
            {
                last = $"store {target}: {ex.Status.Detail}";
                target = Next(target);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }

        throw new TimeoutException($"no store served the call within {s_callLimit}; last: {last}");
    }

    /// <summary>Closes the connections.</summary>
    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    /// <summary>UTF-8 bytes of <paramref name="text"/>.</summary>
    public static ByteString Text(string text) => ByteString.CopyFromUtf8(text);

    private ulong Next(ulong store) => _ids[(_ids.IndexOf(store) + 1) % _ids.Count];
}
