using TinyKv.TestKit.Linearizability;

namespace TinyKv.Simulation.Tests.Linearizability;

/// <summary>
/// Random histories of a correct key-value service: clients issue operations one after another
/// with random durations (so operations of different clients overlap), each operation takes
/// effect at a random instant between its call and its return, and gets read the register as
/// it is at that instant. Some requests time out: they stay open, and an open write takes
/// effect or not at random. Linearizable by construction.
/// </summary>
internal static class RandomRegisterHistory
{
    public static KvHistory Generate(int seed, int clients, int keys, int operations, double openFraction)
    {
        var random = new Random(seed);
        var cursor = new long[clients];
        var planned = new List<Planned>(operations);
        for (var i = 0; i < operations; i++)
        {
            var client = i % clients;
            var call = cursor[client] + random.Next(0, 200);
            var duration = random.Next(1, 3_000);
            cursor[client] = call + duration;
            var key = $"k{random.Next(keys):00}";
            var input = random.Next(100) switch
            {
                < 40 => KvInput.Get(key),
                < 60 => KvInput.Put(key, $"x {client} {i} y"),
                < 95 => KvInput.Append(key, $"x {client} {i} y"),
                _ => KvInput.Delete(key),
            };
            var open = random.NextDouble() < openFraction;
            var takesEffect = !open || random.Next(2) == 0;
            var effectAt = call + random.NextInt64(0, duration + 1);
            planned.Add(new Planned(client, input, call, open ? null : call + duration, takesEffect ? effectAt : null));
        }

        // Apply every operation that takes effect at its instant, in instant order, to find what the gets read.
        var state = new Dictionary<string, string?>();
        var reads = new string?[planned.Count];
        foreach (var i in Enumerable.Range(0, planned.Count).Where(i => planned[i].EffectAt is not null).OrderBy(i => planned[i].EffectAt))
        {
            var input = planned[i].Input;
            var current = state.GetValueOrDefault(input.Key);
            reads[i] = current;
            state[input.Key] = input.Kind switch
            {
                KvOpKind.Put => input.Value,
                KvOpKind.Append => current + input.Value,
                KvOpKind.Delete => null,
                _ => current,
            };
        }

        var recorder = new HistoryRecorder();
        for (var i = 0; i < planned.Count; i++)
        {
            var (client, input, call, ret, _) = planned[i];
            var id = recorder.Invoke(client, input, call);
            if (ret is { } time)
            {
                recorder.Return(id, input.IsWrite ? KvOutput.None : KvOutput.Read(reads[i]), time);
            }
        }

        return recorder.ToHistory();
    }

    private readonly record struct Planned(int Client, KvInput Input, long Call, long? Return, long? EffectAt);
}
