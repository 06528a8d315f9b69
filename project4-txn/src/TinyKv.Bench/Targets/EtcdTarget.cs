using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace TinyKv.Bench.Targets;

/// <summary>
/// An etcd cluster through its KV service (the generated client of the dotnet-etcd package over
/// the run's own channels): a put is a <c>Put</c>, a get a linearizable <c>Range</c> of one key,
/// a transaction a <c>Txn</c> whose compare always holds (the first key's mod revision is above
/// -1) and whose success branch puts every key. Any member serves any request (followers
/// forward to the leader), so client <c>i</c> stays on member <c>i mod members</c> and nothing is retried.
/// </summary>
public sealed class EtcdTarget : IBenchTarget, IDisposable
{
    private readonly ChannelPool _channels;
    private readonly BenchOptions _options;

    public EtcdTarget(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _channels = new ChannelPool(options.Endpoints, options.Connections);
    }

    public IBenchClient CreateClient(int clientIndex) =>
        new EtcdSession(new KV.KVClient(_channels.For(clientIndex % _options.Endpoints.Count, clientIndex)), _options.Deadline);

    public void Dispose() => _channels.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class EtcdSession(KV.KVClient kv, TimeSpan deadline) : IBenchClient
    {
        public Task<OpOutcome> PutAsync(byte[] key, byte[] value, CancellationToken cancellationToken) =>
            RunAsync(async options =>
            {
                await kv.PutAsync(new PutRequest { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(value) }, options).ResponseAsync.ConfigureAwait(false);
                return null;
            }, cancellationToken);

        public Task<OpOutcome> GetAsync(byte[] key, CancellationToken cancellationToken) =>
            RunAsync(async options =>
            {
                // Serializable = false (the default): a linearizable read, through the leader's read index.
                await kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFrom(key) }, options).ResponseAsync.ConfigureAwait(false);
                return null;
            }, cancellationToken);

        public Task<OpOutcome> TxnAsync(IReadOnlyList<byte[]> keys, byte[] value, CancellationToken cancellationToken) =>
            RunAsync(async options =>
            {
                var request = new TxnRequest();
                request.Compare.Add(new Compare
                {
                    Key = ByteString.CopyFrom(keys[0]),
                    Target = Compare.Types.CompareTarget.Mod,
                    Result = Compare.Types.CompareResult.Greater,
                    ModRevision = -1,
                });
                var bytes = ByteString.CopyFrom(value);
                foreach (var key in keys)
                {
                    request.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFrom(key), Value = bytes } });
                }

                var response = await kv.TxnAsync(request, options).ResponseAsync.ConfigureAwait(false);
                return response.Succeeded ? null : ErrorKinds.TxnCompareFailed;
            }, cancellationToken);

        private async Task<OpOutcome> RunAsync(Func<CallOptions, Task<string?>> operation, CancellationToken cancellationToken)
        {
            string? error;
            try
            {
                error = await operation(new CallOptions(deadline: DateTime.UtcNow + deadline, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error = ErrorKinds.Of(ex);
            }

            return OpOutcome.Of(error, []);
        }
    }
}
