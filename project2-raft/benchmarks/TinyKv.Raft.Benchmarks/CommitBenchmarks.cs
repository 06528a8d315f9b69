using BenchmarkDotNet.Attributes;

namespace TinyKv.Raft.Benchmarks;

/// <summary>
/// Proposals committed through three in-process nodes. Each operation is one entry: proposed
/// on the leader, persisted, replicated to both followers, committed and applied. Proposals
/// go in batches of <see cref="Batch"/> entries, one MsgPropose each, between two rounds of
/// Ready handling, as a store batches the client requests that arrive while it is busy
/// (Batch = 1 is RawNode.Propose, one entry at a time).
/// </summary>
[MemoryDiagnoser]
public class CommitBenchmarks
{
    private const int EntriesPerInvoke = 4096;

    private readonly byte[] _payload = new byte[64];
    private InProcessCluster _cluster = null!;

    /// <summary>Proposals between two rounds of Ready handling.</summary>
    [Params(1, 16, 256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup() => _cluster = new InProcessCluster(3, seed: 1);

    [Benchmark(OperationsPerInvoke = EntriesPerInvoke)]
    public void ProposeAndCommit()
    {
        for (var sent = 0; sent < EntriesPerInvoke; sent += Batch)
        {
            _cluster.ProposeBatch(_payload, Batch);

            _cluster.Stabilize();
        }
    }
}
