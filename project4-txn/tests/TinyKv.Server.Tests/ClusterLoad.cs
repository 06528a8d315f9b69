using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;

namespace TinyKv.Server.Tests;

/// <summary>
/// Closed-loop clients against a cluster through one <see cref="LeaderClient"/>: each client
/// sends its next request when the previous one is answered, half writes of its own keys, half
/// reads of any client's keys, recorded in a <see cref="LoadHistory"/>. Bounded in time and in
/// operations; every call is bounded by the client's call limit.
/// </summary>
public sealed class ClusterLoad(LeaderClient client, LoadHistory history, int clients, int seed)
{
    private const int KeysPerClient = 4;
    private const int ValueSize = 64;
    private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);
    private long _operations;

    /// <summary>Operations that failed after the client's retries, by kind.</summary>
    public IReadOnlyDictionary<string, int> Errors => _errors;

    /// <summary>How many operations failed after the client's retries.</summary>
    public int ErrorCount => _errors.Values.Sum();

    /// <summary>Operations completed (acknowledged or failed).</summary>
    public long Operations => Interlocked.Read(ref _operations);

    /// <summary>
    /// Runs every client until <paramref name="maxOperations"/> were made or <paramref name="stop"/> is cancelled
    /// then waits for the calls in flight; returns how long it ran.
    /// </summary>
    public async Task<TimeSpan> RunAsync(long maxOperations, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c, clock, maxOperations, stop))));
        return clock.Elapsed;
    }

    /// <summary>Reads back every acknowledged write: each key must hold its last acknowledged version (or a later attempted one).</summary>
    public async Task VerifyAsync()
    {
        foreach (var (key, _) in history.Acknowledged)
        {
            var atLeast = history.ReadStarts(key);
            history.ReadEnded(key, atLeast, await client.GetAsync(key), "after the run");
        }
    }

    /// <summary>Every error kind with its count, in a line.</summary>
    public string ErrorSummary() =>
        _errors.IsEmpty ? "no errors" : string.Join(", ", _errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value}"));

    private static string KeyOf(int owner, int index) => $"load-{owner:D3}-{index}";

    private async Task ClientAsync(int id, Stopwatch clock, long maxOperations, CancellationToken stop)
    {
        var random = new Random(seed * 1_000 + id);
        var versions = new long[KeysPerClient];
        while (!stop.IsCancellationRequested && Interlocked.Increment(ref _operations) <= maxOperations)
        {
            try
            {
                if (random.Next(2) == 0)
                {
                    var index = random.Next(KeysPerClient);
                    var key = KeyOf(id, index);
                    var version = ++versions[index];
                    history.Attempting(key, version);
                    await client.PutAsync(key, LoadHistory.Value(version, ValueSize));
                    history.Acknowledge(key, version);
                }
                else
                {
                    var key = KeyOf(random.Next(clients), random.Next(KeysPerClient));
                    var atLeast = history.ReadStarts(key);
                    var value = await client.GetAsync(key);
                    history.ReadEnded(key, atLeast, value, $"at {clock.Elapsed.TotalSeconds:0.0} s");
                }
            }
            catch (Exception ex) when (ex is RpcException or TimeoutException or InvalidOperationException)
            {
                var kind = ex is RpcException rpc ? $"gRPC {rpc.StatusCode}" : ex.GetType().Name;
                _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
            }
        }
    }
}
