namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// The answer of one completed operation: for a get, the <see cref="Value"/> it read (null when
/// the key was not found); a write answers <see cref="None"/>.
/// </summary>
public readonly record struct KvOutput
{
    private KvOutput(string? value) => Value = value;

    /// <summary>The value a get read; null for "key not found" and for every write.</summary>
    public string? Value { get; }

    /// <summary>The answer of a write, which returns nothing.</summary>
    public static KvOutput None => default;

    /// <summary>The answer of a get that found no value.</summary>
    public static KvOutput NotFound => default;

    /// <summary>The answer of a get that read <paramref name="value"/> (null: the key was not found).</summary>
    public static KvOutput Read(string? value) => new(value);
}
