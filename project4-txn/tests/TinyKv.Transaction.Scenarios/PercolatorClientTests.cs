using System.Text;
using FluentAssertions;
using TinyKv.Client;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.TestKit.Transactions;
using Xunit;
using static TinyKv.Transaction.Scenarios.Scenario;

namespace TinyKv.Transaction.Scenarios;

/// <summary>
/// The Percolator client against the transactional API, one or two simulated clients at a
/// time. Not graded: it tests the client (the scenarios grade the store).
/// </summary>
public sealed class PercolatorClientTests : IDisposable
{
    private readonly ScenarioStore _store = new();
    private readonly InterceptingTransport _transport;
    private StepScheduler _scheduler;

    public PercolatorClientTests()
    {
        _transport = new InterceptingTransport(_store.Transport);
        _scheduler = new StepScheduler(1, _transport, ClientOptions);
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Own_writes_are_visible_inside_the_transaction_and_to_others_only_after_commit()
    {
        Run(async c =>
        {
            var writer = await c.Client.BeginAsync();
            var concurrent = await c.Client.BeginAsync();
            writer.Set(Key("a"), Value("1"));

            (await writer.GetAsync(Key("a"))).Should().Equal(Value("1"));
            (await concurrent.GetAsync(Key("a"))).Should().BeNull();
            var commitTs = await writer.CommitAsync();

            commitTs.Should().BeGreaterThan(writer.StartTs);
            writer.State.Should().Be(TransactionState.Committed);
            (await (await c.Client.BeginAsync()).GetAsync(Key("a"))).Should().Equal(Value("1"));
            (await concurrent.GetAsync(Key("a"))).Should().BeNull("a snapshot does not see a later commit");
        });
    }

    [Fact]
    public void A_delete_hides_the_key_from_its_own_transaction_and_from_later_ones()
    {
        Commit(("a", "1"));
        Run(async c =>
        {
            var txn = await c.Client.BeginAsync();
            txn.Delete(Key("a"));

            (await txn.GetAsync(Key("a"))).Should().BeNull();
            await txn.CommitAsync();
            (await (await c.Client.BeginAsync()).GetAsync(Key("a"))).Should().BeNull();
        });
    }

    [Fact]
    public void A_read_only_transaction_commits_without_a_request()
    {
        Run(async c =>
        {
            var txn = await c.Client.BeginAsync();
            (await txn.CommitAsync()).Should().Be(0);
            txn.State.Should().Be(TransactionState.Committed);
        });

        _scheduler.Steps.Should().Be(0);
    }

    [Fact]
    public void A_write_conflict_throws_and_rolls_back_every_key()
    {
        Run(async c =>
        {
            var loser = await c.Client.BeginAsync();
            var winner = await c.Client.BeginAsync();
            winner.Set(Key("b"), Value("winner"));
            await winner.CommitAsync();

            loser.Set(Key("b"), Value("loser"));
            loser.Set(Key("c"), Value("loser"));
            var act = () => loser.CommitAsync();

            var conflict = (await act.Should().ThrowAsync<TransactionConflictException>()).Which;
            conflict.Key.Should().Equal(Key("b"));
            conflict.ConflictTs.Should().Be(winner.CommitTs);
            conflict.Message.Should().Contain("'b'").And.Contain("nothing was written");
            loser.State.Should().Be(TransactionState.RolledBack);
            (await (await c.Client.BeginAsync()).GetAsync(Key("c"))).Should().BeNull();
        });

        Count("KvBatchRollback").Should().Be(1);
        Count("KvCheckTxnStatus").Should().Be(0, "the rolled-back transaction left no lock in anyone's way");
    }

    [Fact]
    public void A_reader_rolls_forward_the_secondaries_of_a_client_that_crashed_after_its_primary_committed()
    {
        Run(async c =>
        {
            var crashed = await c.Client.BeginAsync();
            crashed.Set(Key("a"), Value("1"));
            crashed.Set(Key("b"), Value("2"));
            await crashed.CommitAsync(CommitStage.PrimaryCommitted);

            (await (await c.Client.BeginAsync()).GetAsync(Key("b"))).Should().Equal(Value("2"));
        });

        Count("KvResolveLock(commit)").Should().Be(1);
    }

    [Fact]
    public void A_reader_waits_out_the_lock_of_a_client_that_crashed_after_prewrite_then_rolls_it_back()
    {
        Commit(("a", "old"));
        Run(async c =>
        {
            var crashed = await c.Client.BeginAsync();
            crashed.Set(Key("a"), Value("new"));
            crashed.Set(Key("b"), Value("new"));
            await crashed.CommitAsync(CommitStage.Prewritten);
            crashed.State.Should().Be(TransactionState.Abandoned);
            var locked = c.NowMilliseconds;

            (await (await c.Client.BeginAsync()).GetAsync(Key("b"))).Should().BeNull();

            (c.NowMilliseconds - locked).Should().BeGreaterThanOrEqualTo((ulong)ClientOptions.LockTtl.TotalMilliseconds);
            (await (await c.Client.BeginAsync()).GetAsync(Key("a"))).Should().Equal(Value("old"));
        });

        Count("KvResolveLock(rollback)").Should().Be(1);
        Count("sleep").Should().BePositive("the reader backs off while the lock is alive");
    }

    [Fact]
    public void A_prewrite_blocked_by_a_crashed_clients_lock_resolves_it_and_commits()
    {
        Run(async c =>
        {
            var crashed = await c.Client.BeginAsync();
            crashed.Set(Key("a"), Value("crashed"));
            await crashed.CommitAsync(CommitStage.Prewritten);

            var txn = await c.Client.BeginAsync();
            txn.Set(Key("a"), Value("later"));
            await txn.CommitAsync();

            (await (await c.Client.BeginAsync()).GetAsync(Key("a"))).Should().Equal(Value("later"));
        });
    }

    [Fact]
    public void A_transaction_rolled_back_before_its_primary_commits_is_aborted()
    {
        // Before the primary's commit arrives, a client whose clock is past the TTL checks the
        // primary: the lock has expired, so it rolls the transaction back.
        _transport.BeforeCommit = async (request, server) =>
        {
            var rolledBack = await server.KvCheckTxnStatusAsync(new CheckTxnStatusRequest
            {
                PrimaryKey = request.Keys[0],
                LockTs = request.StartVersion,
                CurrentTs = request.CommitVersion + (10_000UL << ClockOracle.PhysicalShiftBits),
            });
            rolledBack.Action.Should().Be(Proto.Kvrpcpb.Action.TtlexpireRollback);
        };

        Run(async c =>
        {
            var txn = await c.Client.BeginAsync();
            txn.Set(Key("a"), Value("1"));
            txn.Set(Key("b"), Value("2"));
            var act = () => txn.CommitAsync();

            (await act.Should().ThrowAsync<TransactionAbortedException>()).WithMessage("*rolled back by another client*");
            txn.State.Should().Be(TransactionState.RolledBack);
            _transport.BeforeCommit = null;
            (await (await c.Client.BeginAsync()).GetAsync(Key("b"))).Should().BeNull();
        });

        Count("KvCheckTxnStatus").Should().Be(0, "the secondary was rolled back with the rest, so no reader met its lock");
    }

    [Fact]
    public void Scan_merges_buffered_writes_and_resolves_locks_on_the_way()
    {
        // e has an older committed value: the store's scan reports a lock on a key it visits.
        Commit(("a", "1"), ("b", "2"), ("c", "3"), ("e", "0"));
        Run(async c =>
        {
            var crashed = await c.Client.BeginAsync();
            crashed.Set(Key("d"), Value("4"));
            crashed.Set(Key("e"), Value("5"));
            await crashed.CommitAsync(CommitStage.PrimaryCommitted);

            var txn = await c.Client.BeginAsync();
            txn.Delete(Key("b"));
            txn.Set(Key("bb"), Value("9"));

            Show(await txn.ScanAsync(Key("a"), 10)).Should().Equal("a=1", "bb=9", "c=3", "d=4", "e=5");
            Show(await txn.ScanAsync(Key("a"), 2)).Should().Equal("a=1", "bb=9");
            Show(await txn.ScanAsync(Key("c"), 10)).Should().Equal("c=3", "d=4", "e=5");
        });

        Count("KvResolveLock(commit)").Should().Be(1);
    }

    [Fact]
    public void A_lock_that_stays_alive_makes_a_read_give_up_after_max_attempts()
    {
        _scheduler = new StepScheduler(1, _transport, ClientOptions with { LockTtl = TimeSpan.FromHours(1), MaxAttempts = 4 });
        Run(async c =>
        {
            var holder = await c.Client.BeginAsync();
            holder.Set(Key("a"), Value("1"));
            await holder.CommitAsync(CommitStage.Prewritten);
            var act = async () => await (await c.Client.BeginAsync()).GetAsync(Key("a"));

            (await act.Should().ThrowAsync<RetryLimitExceededException>()).WithMessage("gave up reading 'a' after 4 attempts; last: 'a' locked by transaction*");
        });
    }

    [Fact]
    public void Rolling_back_an_abandoned_transaction_removes_its_locks()
    {
        Run(async c =>
        {
            var txn = await c.Client.BeginAsync();
            txn.Set(Key("a"), Value("1"));
            await txn.CommitAsync(CommitStage.Prewritten);

            await txn.RollbackAsync();

            txn.State.Should().Be(TransactionState.RolledBack);
            (await (await c.Client.BeginAsync()).GetAsync(Key("a"))).Should().BeNull();
        });

        Count("KvCheckTxnStatus").Should().Be(0);
    }

    [Fact]
    public void A_finished_transaction_refuses_more_work()
    {
        Run(async c =>
        {
            var txn = await c.Client.BeginAsync();
            txn.Set(Key("a"), Value("1"));
            await txn.CommitAsync();

            var set = () => txn.Set(Key("b"), Value("2"));
            set.Should().Throw<InvalidOperationException>().WithMessage("*committed*");
            var rollback = () => txn.RollbackAsync();
            await rollback.Should().ThrowAsync<InvalidOperationException>();
        });
    }

    private static byte[] Value(string text) => Encoding.UTF8.GetBytes(text);

    private static IEnumerable<string> Show(IReadOnlyList<KeyValuePair<byte[], byte[]>> pairs) =>
        pairs.Select(p => $"{Encoding.UTF8.GetString(p.Key)}={Encoding.UTF8.GetString(p.Value)}");

    private int Count(string request) => _scheduler.Counts.GetValueOrDefault(request);

    private void Commit(params (string Key, string Value)[] pairs) => Run(async c =>
    {
        var txn = await c.Client.BeginAsync();
        foreach (var (key, value) in pairs)
        {
            txn.Set(Key(key), Value(value));
        }

        await txn.CommitAsync();
    });

    /// <summary>Runs <paramref name="body"/> as a flow of its own, to the end.</summary>
    private void Run(Func<SimulatedClient, Task> body)
    {
        _scheduler.Spawn("client", body);
        _scheduler.Run(10_000);
    }

    /// <summary>Passes every call to the store, optionally running a hook before each commit.</summary>
    private sealed class InterceptingTransport(ITransactionTransport server) : ITransactionTransport
    {
        public Func<CommitRequest, ITransactionTransport, Task>? BeforeCommit { get; set; }

        public async Task<CommitResponse> KvCommitAsync(CommitRequest request, CancellationToken cancellationToken = default)
        {
            if (BeforeCommit is { } hook)
            {
                await hook(request, server);
            }

            return await server.KvCommitAsync(request, cancellationToken);
        }

        public Task<GetResponse> KvGetAsync(GetRequest request, CancellationToken cancellationToken = default) => server.KvGetAsync(request, cancellationToken);

        public Task<ScanResponse> KvScanAsync(ScanRequest request, CancellationToken cancellationToken = default) => server.KvScanAsync(request, cancellationToken);

        public Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest request, CancellationToken cancellationToken = default) => server.KvPrewriteAsync(request, cancellationToken);

        public Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest request, CancellationToken cancellationToken = default) =>
            server.KvCheckTxnStatusAsync(request, cancellationToken);

        public Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest request, CancellationToken cancellationToken = default) =>
            server.KvBatchRollbackAsync(request, cancellationToken);

        public Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest request, ReadOnlyMemory<byte> lockKey, CancellationToken cancellationToken = default) =>
            server.KvResolveLockAsync(request, lockKey, cancellationToken);
    }
}
