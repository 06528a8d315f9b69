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
        var ids = new HashSet<int>();
        foreach (var op in _operations)
        {
            ArgumentNullException.ThrowIfNull(op, nameof(operations));
            if (op.Input.Key is null)
            {
                throw new ArgumentException($"operation {op.Id} has no input (default KvInput); build inputs with KvInput.Get/Put/Append/Delete", nameof(operations));
            }

            if (!ids.Add(op.Id))
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

        Array.Sort(_operations, static (a, b) => a.CallTime != b.CallTime ? a.CallTime.CompareTo(b.CallTime) : a.Id.CompareTo(b.Id));
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
        var parts = new SortedDictionary<string, List<KvOperation>>(StringComparer.Ordinal);
        foreach (var op in _operations)
        {
            if (!parts.TryGetValue(op.Input.Key, out var part))
            {
                part = [];
                parts.Add(op.Input.Key, part);
            }

            part.Add(op);
        }

        return [.. parts.Select(p => new KeyValuePair<string, IReadOnlyList<KvOperation>>(p.Key, p.Value))];
    }
}
