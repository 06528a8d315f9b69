namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// A finished client history: every operation recorded against a key-value service, in the
/// order they were called. Build one with a <see cref="HistoryRecorder"/>, or from operations
/// directly (a test that wants to tamper with a recorded history uses <c>with</c> on an operation).
/// </summary>
public sealed class KvHistory
{
    private readonly KvOperation[] _operations;

    /// <summary>A history of <paramref name="operations"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="operations"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">Two operations share an id, an operation returns before its call,
    /// or a write carries a value in its output.</exception>
    public KvHistory(IEnumerable<KvOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        _operations = [.. operations];

        // Ids are most often 0..n-1 (a HistoryRecorder's): a flag per id finds a repeated one; others go to a set.
        var seen = new bool[_operations.Length];
        var ids = new HashSet<int>();
        foreach (var op in _operations)
        {
            ArgumentNullException.ThrowIfNull(op, nameof(operations));
            if (op.Input.Key is null)
            {
                throw new ArgumentException($"operation {op.Id} has no input (default KvInput); build inputs with KvInput.Get/Put/Append/Delete", nameof(operations));
            }

            bool repeated;
            if ((uint)op.Id < (uint)seen.Length)
            {
                repeated = seen[op.Id];
                seen[op.Id] = true;
            }
            else
            {
                repeated = !ids.Add(op.Id);
            }

            if (repeated)
            {
                throw new ArgumentException($"two operations have id {op.Id}", nameof(operations));
            }

            if (op.ReturnTime < op.CallTime)
            {
                throw new ArgumentException($"operation {op.Id} returns at {op.ReturnTime}µs, before its call at {op.CallTime}µs", nameof(operations));
            }

            if (op.Input.IsWrite && op.Output.Value is not null)
            {
                throw new ArgumentException($"operation {op.Id} is a {op.Input.Kind}, which returns no value, but its output is \"{op.Output.Value}\"", nameof(operations));
            }
        }

        // By call time, then id: ids are distinct, so the order is total and the sort's instability does not matter.
        var order = new (long CallTime, int Id)[_operations.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = (_operations[i].CallTime, _operations[i].Id);
        }

        Array.Sort(order, _operations);
    }

    /// <summary>The operations, by call time (then id).</summary>
    public IReadOnlyList<KvOperation> Operations => _operations;

    /// <summary>How many operations the history holds, open ones included.</summary>
    public int Count => _operations.Length;

    /// <summary>
    /// The history split by key, keys in ordinal order (Porcupine's <c>Partition</c>): operations on
    /// different keys never constrain each other, so each part is checked on its own.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<KvOperation>>> PartitionByKey()
    {
        var parts = new Dictionary<string, List<KvOperation>>(StringComparer.Ordinal);
        foreach (var op in _operations)
        {
            if (!parts.TryGetValue(op.Input.Key, out var part))
            {
                part = [];
                parts.Add(op.Input.Key, part);
            }

            part.Add(op);
        }

        // In key order (ordinal), as documented: the keys are sorted once, not kept sorted per operation.
        var keys = parts.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        return [.. keys.Select(key => new KeyValuePair<string, IReadOnlyList<KvOperation>>(key, parts[key]))];
    }
}
