using FluentAssertions;
using TinyKv.Client;
using TinyKv.Ctl;
using TinyKv.Proto.Kvrpcpb;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary><c>tinykv-ctl txn</c>'s runner against an in-process server.</summary>
public sealed class TxnScriptRunnerTests : IAsyncLifetime, IDisposable
{
    private readonly ClockOracle _oracle = ClockOracle.System();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private ServerFixture _kv = null!;

    public async Task InitializeAsync() => _kv = await ServerFixture.StartAsync();

    public async Task DisposeAsync() => await _kv.DisposeAsync();

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
    }

    [Fact]
    public async Task A_script_prints_reads_and_commit_timestamps()
    {
        var exit = await Run("set a 1; set b 2; delete c; commit; get a; scan a; set a 3; rollback; get a; commit");

        exit.Should().Be(0);
        var lines = _output.ToString().TrimEnd('\n').Split('\n');
        lines[0].Should().MatchRegex(@"^committed at \d+ \(start \d+\)$");
        lines[1..].Should().HaveCount(6);
        lines[1..5].Should().Equal("a = 1", "a = 1", "b = 2", "rolled back");
        lines[5].Should().Be("a = 1");
        lines[6].Should().StartWith("nothing to commit (read-only");
        _error.ToString().Should().Contain("(2 pairs)");
    }

    [Fact]
    public async Task A_conflict_stops_the_script_with_a_clear_error_and_exit_code_1()
    {
        // Another client commits k after the script's transaction began, before its prewrite.
        var competitor = new PercolatorClient(new GrpcTransport(_kv.Client), _oracle);
        var transport = new BeforePrewrite(new GrpcTransport(_kv.Client), async () =>
        {
            var txn = await competitor.BeginAsync();
            txn.Set("k"u8.ToArray(), "theirs"u8.ToArray());
            await txn.CommitAsync();
        });

        var exit = await Run("get k; set k mine; commit; get k", new PercolatorClient(transport, _oracle));

        exit.Should().Be(1);
        _output.ToString().Should().Be("k (not found)\n");
        _error.ToString().Should().Match("error: statement 3 (commit): transaction * conflicts on 'k': another transaction committed it at *, after this one started; nothing was written*");
    }

    private Task<int> Run(string script, PercolatorClient? client = null) =>
        new TxnScriptRunner(client ?? new PercolatorClient(new GrpcTransport(_kv.Client), _oracle), _output, _error)
            .RunAsync(TxnScript.Parse(script, hex: false));

    /// <summary>Runs an action once, before the first prewrite goes to the server.</summary>
    private sealed class BeforePrewrite(ITransactionTransport server, Func<Task> action) : ITransactionTransport
    {
        private Func<Task>? _action = action;

        public async Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest request, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _action, null) is { } once)
            {
                await once();
            }

            return await server.KvPrewriteAsync(request, cancellationToken);
        }

        public Task<GetResponse> KvGetAsync(GetRequest request, CancellationToken cancellationToken = default) => server.KvGetAsync(request, cancellationToken);

        public Task<ScanResponse> KvScanAsync(ScanRequest request, CancellationToken cancellationToken = default) => server.KvScanAsync(request, cancellationToken);

        public Task<CommitResponse> KvCommitAsync(CommitRequest request, CancellationToken cancellationToken = default) => server.KvCommitAsync(request, cancellationToken);

        public Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest request, CancellationToken cancellationToken = default) =>
            server.KvCheckTxnStatusAsync(request, cancellationToken);

        public Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest request, CancellationToken cancellationToken = default) =>
            server.KvBatchRollbackAsync(request, cancellationToken);

        public Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest request, ReadOnlyMemory<byte> lockKey, CancellationToken cancellationToken = default) =>
            server.KvResolveLockAsync(request, lockKey, cancellationToken);
    }
}
