namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// The request of one operation: its <see cref="Kind"/>, the <see cref="Key"/> it touches and,
/// for <see cref="KvOpKind.Put"/> and <see cref="KvOpKind.Append"/>, the <see cref="Value"/> it writes.
/// Build one with <see cref="Get"/>, <see cref="Put"/>, <see cref="Append"/> or <see cref="Delete"/>.
/// </summary>
public readonly record struct KvInput
{
    private KvInput(KvOpKind kind, string key, string? value)
    {
        Kind = kind;
        Key = key;
        Value = value;
    }

    /// <summary>The kind of request.</summary>
    public KvOpKind Kind { get; }

    /// <summary>The key the request touches.</summary>
    public string Key { get; }

    /// <summary>The value a put or an append writes; null for a get or a delete.</summary>
    public string? Value { get; }

    /// <summary>True for a put, an append or a delete: requests that change the key's value.</summary>
    public bool IsWrite => Kind != KvOpKind.Get;

    /// <summary>A read of <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public static KvInput Get(string key) => new(KvOpKind.Get, Checked(key), null);

    /// <summary>A write of <paramref name="value"/> to <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="value"/> is null.</exception>
    public static KvInput Put(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(KvOpKind.Put, Checked(key), value);
    }

    /// <summary>An append of <paramref name="value"/> to the value of <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="value"/> is null.</exception>
    public static KvInput Append(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(KvOpKind.Append, Checked(key), value);
    }

    /// <summary>A removal of <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public static KvInput Delete(string key) => new(KvOpKind.Delete, Checked(key), null);

    private static string Checked(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key;
    }
}
