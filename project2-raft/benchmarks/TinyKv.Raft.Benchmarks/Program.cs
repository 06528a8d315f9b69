using System.Globalization;
using BenchmarkDotNet.Running;
using TinyKv.Raft.Benchmarks;

// `ready-stats` prints how many entries a Ready carries for each batch size (a count, not a
// timing); anything else goes to BenchmarkDotNet (e.g. --filter '*' --job short).
if (args is ["ready-stats"])
{
    Console.WriteLine("batch  entries/Ready (leader)  Readies per committed entry (all nodes)");
    foreach (var batch in new[] { 1, 16, 256 })
    {
        var cluster = new InProcessCluster(3, seed: 1);
        const int entries = 16384;
        var readiesBefore = cluster.Readies;
        var persistedBefore = cluster.LeaderEntriesPersisted;
        var withEntriesBefore = cluster.LeaderReadiesWithEntries;
        for (var sent = 0; sent < entries; sent += batch)
        {
            cluster.ProposeBatch(new byte[64], batch);

            cluster.Stabilize();
        }

        var perReady = (double)(cluster.LeaderEntriesPersisted - persistedBefore) / (cluster.LeaderReadiesWithEntries - withEntriesBefore);
        var readiesPerEntry = (double)(cluster.Readies - readiesBefore) / entries;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{batch,5}  {perReady,22:F1}  {readiesPerEntry,40:F3}"));
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CommitBenchmarks).Assembly).Run(args);
