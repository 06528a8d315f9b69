using FluentAssertions;
using TinyKv.Client;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.TestKit.Transactions;
using Xunit;

namespace TinyKv.Transaction.Scenarios;

/// <summary>The seeded step scheduler itself. Not graded: it tests the simulator.</summary>
public sealed class StepSchedulerTests
{
    [Fact]
    public void Each_request_is_one_step_and_time_advances_per_step()
    {
        var scheduler = new StepScheduler(1, new AnsweringTransport());
        scheduler.Spawn("a", async c =>
        {
            await c.Client.Transport.KvGetAsync(new GetRequest { Key = Key("k"), Version = 1 });
            await c.Client.Transport.KvGetAsync(new GetRequest { Key = Key("k"), Version = 2 });
        });

        scheduler.Run(10);

        scheduler.Steps.Should().Be(2);
        scheduler.Clock.NowMilliseconds.Should().Be(2);
        scheduler.History.Should().HaveCount(2).And.AllSatisfy(line => line.Should().Contain("KvGet k"));
    }

    [Fact]
    public void When_every_flow_sleeps_time_jumps_to_the_earliest_wake_up()
    {
        var scheduler = new StepScheduler(1, new AnsweringTransport());
        var woke = new List<(string, ulong)>();
        foreach (var (name, ms) in new[] { ("slow", 500), ("fast", 200) })
        {
            scheduler.Spawn(name, async c =>
            {
                await c.Client.Options.Sleep(TimeSpan.FromMilliseconds(ms), default);
                woke.Add((c.Name, c.NowMilliseconds));
            });
        }

        scheduler.Run(10);

        woke.Should().Equal(("fast", 201UL), ("slow", 501UL));
        scheduler.History.Should().Contain(line => line.Contains("time jumps to 200ms"));
    }

    [Fact]
    public void The_interleaving_is_a_function_of_the_seed()
    {
        static string Run(int seed)
        {
            var scheduler = new StepScheduler(seed, new AnsweringTransport());
            for (var i = 0; i < 4; i++)
            {
                scheduler.Spawn($"f{i}", async c =>
                {
                    for (var n = 0; n < 5; n++)
                    {
                        await c.Client.Transport.KvGetAsync(new GetRequest { Key = Key(c.Name), Version = (ulong)n + 1 });
                    }
                });
            }

            scheduler.Run(100);
            return scheduler.HistoryText;
        }

        Run(7).Should().Be(Run(7));
        Run(7).Should().NotBe(Run(8));
    }

    [Fact]
    public void A_flow_that_awaits_something_outside_the_scheduler_is_reported()
    {
        var scheduler = new StepScheduler(1, new AnsweringTransport());
        var never = new TaskCompletionSource();
        scheduler.Spawn("stray", async _ => await never.Task);

        var act = () => scheduler.Run(10);

        act.Should().Throw<ScenarioFailedException>().WithMessage("*flow stray neither finished nor waits on a step*");
    }

    [Fact]
    public void A_run_over_its_step_budget_fails_naming_the_seed()
    {
        var scheduler = new StepScheduler(42, new AnsweringTransport());
        scheduler.Spawn("forever", async c =>
        {
            while (true)
            {
                await c.Client.Transport.KvGetAsync(new GetRequest { Key = Key("k"), Version = 1 });
            }
        });

        var act = () => scheduler.Run(50);

        act.Should().Throw<ScenarioFailedException>().WithMessage("seed 42 (replay with TINYKV_SEED=42)*did not finish within 50 steps*forever*");
    }

    [Fact]
    public void A_failing_flow_stops_the_run_with_its_name_and_error()
    {
        var scheduler = new StepScheduler(3, new AnsweringTransport());
        scheduler.Spawn("boom", async c =>
        {
            await c.Client.Transport.KvGetAsync(new GetRequest { Key = Key("k"), Version = 1 });
            throw new InvalidOperationException("audit failed");
        });

        var act = () => scheduler.Run(10);

        act.Should().Throw<ScenarioFailedException>().WithMessage("*flow boom failed: InvalidOperationException: audit failed*")
            .WithInnerException<InvalidOperationException>();
    }

    [Fact]
    public void An_unwritten_slot_in_the_store_is_rethrown_as_it_is()
    {
        var scheduler = new StepScheduler(1, new AnsweringTransport { Todo = true });
        scheduler.Spawn("reader", async c => await (await c.Client.BeginAsync()).GetAsync(Scenario.Key("k")));

        var act = () => scheduler.Run(10);

        act.Should().Throw<TodoException>().WithMessage("TODO(4C)*");
    }

    private static Google.Protobuf.ByteString Key(string key) => Google.Protobuf.ByteString.CopyFromUtf8(key);

    /// <summary>A store that answers every get with "not found" (or throws a 4C slot's TodoException).</summary>
    private sealed class AnsweringTransport : ITransactionTransport
    {
        public bool Todo { get; init; }

        public Task<GetResponse> KvGetAsync(GetRequest request, CancellationToken cancellationToken = default) =>
            Todo ? Task.FromException<GetResponse>(TinyKv.Todo.Slot("4C", "not written")) : Task.FromResult(new GetResponse { NotFound = true });

        public Task<ScanResponse> KvScanAsync(ScanRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CommitResponse> KvCommitAsync(CommitRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest request, ReadOnlyMemory<byte> lockKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
