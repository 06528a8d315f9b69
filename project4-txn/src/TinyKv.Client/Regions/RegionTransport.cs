using Google.Protobuf;
using TinyKv.Proto.Kvrpcpb;

namespace TinyKv.Client.Regions;

/// <summary>
/// The transactional calls of a <see cref="PercolatorClient"/> over a multi-region cluster, as
/// TinyKV's client makes them: a request for one key goes to its region's leader; a request for
/// many keys (prewrite, commit, rollback) is split into one request per region, sent at once, and
/// the answers merged; a scan walks region after region; a lock is resolved in the region of the
/// locked key. Region errors are handled below the transaction (see <see cref="RegionRequestSender"/>):
/// a transaction only sees key errors, or a <see cref="RegionUnavailableException"/> when a region
/// stayed out of reach.
/// </summary>
/// <remarks>
/// The transaction orders what must be ordered: it commits the primary key, alone, before the
/// secondaries, and it waits for every prewrite (the primary's request and those of the
/// secondaries' regions) before it takes a commit timestamp. Thread-safe.
/// </remarks>
public sealed class RegionTransport(RegionRequestSender sender) : ITransactionTransport
{
    private readonly RegionRequestSender _sender = sender ?? throw new ArgumentNullException(nameof(sender));

    /// <inheritdoc/>
    public async Task<GetResponse> KvGetAsync(GetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (response, _) = await _sender.SendAsync(
            request.Key.Memory,
            (client, context, token) => client.KvGetAsync(With(request, context), cancellationToken: token).ResponseAsync,
            r => r.RegionError,
            cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <summary>Scans region after region from the start key until the limit is reached or the key space ends.</summary>
    public async Task<ScanResponse> KvScanAsync(ScanRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var merged = new ScanResponse();
        var from = request.StartKey;
        while (merged.Pairs.Count < request.Limit)
        {
            var part = request.Clone();
            part.StartKey = from;
            part.Limit = request.Limit - (uint)merged.Pairs.Count;
            var (response, region) = await _sender.SendAsync(
                from.Memory,
                (client, context, token) => client.KvScanAsync(With(part, context), cancellationToken: token).ResponseAsync,
                r => r.RegionError,
                cancellationToken).ConfigureAwait(false);
            merged.Pairs.AddRange(response.Pairs);
            if (region.Region.EndKey.IsEmpty)
            {
                break;
            }

            from = region.Region.EndKey;
        }

        return merged;
    }

    /// <inheritdoc/>
    public async Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answers = await _sender.SendGroupedAsync(
            request.Mutations,
            m => m.Key.Memory,
            (client, context, mutations, token) =>
            {
                var part = With(request, context);
                part.Mutations.Clear();
                part.Mutations.AddRange(mutations);
                return client.KvPrewriteAsync(part, cancellationToken: token).ResponseAsync;
            },
            r => r.RegionError,
            cancellationToken).ConfigureAwait(false);
        var merged = new PrewriteResponse();
        foreach (var (response, _) in answers)
        {
            merged.Errors.AddRange(response.Errors);
        }

        return merged;
    }

    /// <inheritdoc/>
    public async Task<CommitResponse> KvCommitAsync(CommitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answers = await _sender.SendGroupedAsync(
            request.Keys,
            k => k.Memory,
            (client, context, keys, token) => client.KvCommitAsync(WithKeys(request, context, keys), cancellationToken: token).ResponseAsync,
            r => r.RegionError,
            cancellationToken).ConfigureAwait(false);
        return new CommitResponse { Error = FirstError(answers.Select(a => a.Response.Error)) };
    }

    /// <inheritdoc/>
    public async Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (response, _) = await _sender.SendAsync(
            request.PrimaryKey.Memory,
            (client, context, token) => client.KvCheckTxnStatusAsync(With(request, context), cancellationToken: token).ResponseAsync,
            r => r.RegionError,
            cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc/>
    public async Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answers = await _sender.SendGroupedAsync(
            request.Keys,
            k => k.Memory,
            (client, context, keys, token) => client.KvBatchRollbackAsync(WithKeys(request, context, keys), cancellationToken: token).ResponseAsync,
            r => r.RegionError,
            cancellationToken).ConfigureAwait(false);
        return new BatchRollbackResponse { Error = FirstError(answers.Select(a => a.Response.Error)) };
    }

    /// <summary>Resolves the transaction's locks in the region holding <paramref name="lockKey"/>.</summary>
    public async Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest request, ReadOnlyMemory<byte> lockKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (response, _) = await _sender.SendAsync(
            lockKey,
            (client, context, token) => client.KvResolveLockAsync(With(request, context), cancellationToken: token).ResponseAsync,
            r => r.RegionError,
            cancellationToken).ConfigureAwait(false);
        return response;
    }

    private static KeyError? FirstError(IEnumerable<KeyError?> errors) => errors.FirstOrDefault(e => e is not null);

    // Copies of a request carrying the region's context (the caller's request is not changed: it
    // may be sent again, to another region).
    private static GetRequest With(GetRequest request, Context context) => new(request) { Context = context };

    private static ScanRequest With(ScanRequest request, Context context) => new(request) { Context = context };

    private static PrewriteRequest With(PrewriteRequest request, Context context) => new(request) { Context = context };

    private static CheckTxnStatusRequest With(CheckTxnStatusRequest request, Context context) => new(request) { Context = context };

    private static ResolveLockRequest With(ResolveLockRequest request, Context context) => new(request) { Context = context };

    private static CommitRequest WithKeys(CommitRequest request, Context context, IReadOnlyList<ByteString> keys) =>
        new() { Context = context, StartVersion = request.StartVersion, CommitVersion = request.CommitVersion, Keys = { keys } };

    private static BatchRollbackRequest WithKeys(BatchRollbackRequest request, Context context, IReadOnlyList<ByteString> keys) =>
        new() { Context = context, StartVersion = request.StartVersion, Keys = { keys } };
}
