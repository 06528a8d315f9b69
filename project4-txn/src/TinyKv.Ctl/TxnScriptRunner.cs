using Grpc.Core;
using TinyKv.Client;

namespace TinyKv.Ctl;

/// <summary>
/// Runs a parsed <see cref="TxnScript"/> through a Percolator client, printing what each
/// statement reads and each commit's timestamp, and stopping at the first failure.
/// </summary>
public sealed class TxnScriptRunner(PercolatorClient client, TextWriter output, TextWriter error)
{
    /// <summary>Runs <paramref name="script"/>; returns 0 when every statement succeeded, else 1.</summary>
    public async Task<int> RunAsync(IReadOnlyList<TxnStatement> script, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        Client.Transaction? txn = null;
        foreach (var statement in script)
        {
            try
            {
                txn ??= await client.BeginAsync(cancellationToken);
                if (await RunAsync(txn, statement, cancellationToken).ConfigureAwait(false))
                {
                    txn = null; // Committed or rolled back: the next statement begins a new transaction.
                }
            }
            catch (TransactionException ex)
            {
                await error.WriteLineAsync($"error: {statement}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (RpcException ex)
            {
                await error.WriteLineAsync($"error: {statement}: {ex.StatusCode}: {ex.Status.Detail}").ConfigureAwait(false);
                return 1;
            }
        }

        return 0;
    }

    /// <summary>Runs one statement; true when it ended the transaction.</summary>
    private async Task<bool> RunAsync(Client.Transaction txn, TxnStatement statement, CancellationToken cancellationToken)
    {
        switch (statement.Verb)
        {
            case TxnVerb.Get:
                var value = await txn.GetAsync(statement.Key, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(value is null ? $"{ByteText.Show(statement.Key)} (not found)" : $"{ByteText.Show(statement.Key)} = {ByteText.Show(value)}").ConfigureAwait(false);
                return false;
            case TxnVerb.Scan:
                var pairs = await txn.ScanAsync(statement.Key, statement.Limit, cancellationToken).ConfigureAwait(false);
                foreach (var (key, pairValue) in pairs)
                {
                    await output.WriteLineAsync($"{ByteText.Show(key)} = {ByteText.Show(pairValue)}").ConfigureAwait(false);
                }

                await error.WriteLineAsync($"({pairs.Count} pairs)").ConfigureAwait(false);
                return false;
            case TxnVerb.Set:
                txn.Set(statement.Key, statement.Value);
                return false;
            case TxnVerb.Delete:
                txn.Delete(statement.Key);
                return false;
            case TxnVerb.Commit:
                var commitTs = await txn.CommitAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(commitTs == 0 ? $"nothing to commit (read-only, start {txn.StartTs})" : $"committed at {commitTs} (start {txn.StartTs})").ConfigureAwait(false);
                return true;
            default:
                await txn.RollbackAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync("rolled back").ConfigureAwait(false);
                return true;
        }
    }
}
