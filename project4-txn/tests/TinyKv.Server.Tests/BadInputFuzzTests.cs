using System.Diagnostics;
using FluentAssertions;
using Grpc.Core;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.TestKit;
using Xunit;
using Xunit.Abstractions;
using static TinyKv.Server.Tests.ServerFixture;

namespace TinyKv.Server.Tests;

/// <summary>
/// A seeded fuzz of every raw and transactional RPC against a standalone server, one client on
/// one connection, as a new user would try it: random, often malformed requests
/// (<see cref="MalformedRequests"/>). Whatever the request, the server answers it within its
/// deadline with a status a client can act on, never <c>INTERNAL</c> or <c>UNKNOWN</c>, and
/// still serves a normal request at the end. <c>TINYKV_SEED=n</c> replays a run.
/// </summary>
[Collection(BadInputCollection.Name)]
public sealed class BadInputFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 2_000;
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(5);

    /// <summary>The whole run stops sending after this long, so a slow machine shortens it rather than hanging.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    /// <summary>
    /// What a refusal may look like: handled (OK, possibly with an error field), malformed
    /// (<c>INVALID_ARGUMENT</c>), a corrupt stored record (<c>FAILED_PRECONDITION</c>), or a
    /// request or response over the size limits (<c>RESOURCE_EXHAUSTED</c>).
    /// </summary>
    private static readonly HashSet<StatusCode> Acceptable =
        [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.FailedPrecondition, StatusCode.ResourceExhausted];

    private ServerFixture _kv = null!;

    public async Task InitializeAsync() => _kv = await StartAsync();

    public async Task DisposeAsync() => await _kv.DisposeAsync();

    [Fact]
    public async Task Random_malformed_requests_are_answered_in_time_without_internal_errors_and_the_server_keeps_serving()
    {
        var seed = TestSeed.Value;
        var requests = new MalformedRequests(TestSeed.Stream(seed, 0));
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await _kv.Client.RawGetAsync(new RawGetRequest { Key = Text("connected") }, deadline: DateTime.UtcNow + CallDeadline); // The channel is open before the first timed call.
        var clock = Stopwatch.StartNew();
        var sent = 0;
        for (; sent < Requests && clock.Elapsed < Budget; sent++)
        {
            var call = requests.Next();
            var (code, detail) = await SendAsync(call);
            if (!Acceptable.Contains(code))
            {
                Assert.Fail($"seed {seed} ({TestSeed.Variable}={seed} replays it), request {sent}: {call.Description}\n" +
                    $"answered {code}: {Quote.Capped(detail, 1000)}");
            }

            var outcome = $"{call.Rpc} {code}";
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine($"seed {seed}: {sent} requests in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var (outcome, count) in outcomes)
        {
            output.WriteLine($"{outcome}: {count}");
        }

        var deadline = DateTime.UtcNow + CallDeadline;
        (await _kv.Client.RawPutAsync(new RawPutRequest { Key = Text("after the fuzz"), Value = Text("v") }, deadline: deadline)).Error.Should().BeEmpty();
        (await _kv.Client.RawGetAsync(new RawGetRequest { Key = Text("after the fuzz") }, deadline: deadline)).Value.ToStringUtf8().Should().Be("v");
    }

    private async Task<(StatusCode Code, string Detail)> SendAsync(FuzzCall call)
    {
        try
        {
            await call.Send(_kv.Client, new CallOptions(deadline: DateTime.UtcNow + CallDeadline));
            return (StatusCode.OK, string.Empty);
        }
        catch (RpcException ex)
        {
            return (ex.StatusCode, ex.Status.Detail);
        }
    }
}
