namespace TinyKv.Storage.Engine;

/// <summary>
/// The three column families of a TinyKV store. Raw (Stage 1) keys may live in any of them;
/// transactions (Stage 4) keep values in <see cref="Default"/>, locks in <see cref="Lock"/> and
/// commit records in <see cref="Write"/>.
/// </summary>
public static class ColumnFamily
{
    public const string Default = "default";
    public const string Lock = "lock";
    public const string Write = "write";

    /// <summary>Every column family, in a fixed order.</summary>
    public static IReadOnlyList<string> All { get; } = [Default, Lock, Write];

    /// <summary>Whether <paramref name="name"/> is one of the three column families.</summary>
    public static bool IsKnown(string? name) => name is Default or Lock or Write;

    /// <summary>
    /// Returns <paramref name="name"/> when it is a column family; otherwise throws an
    /// <see cref="UnknownColumnFamilyException"/> whose message a client can show as is.
    /// </summary>
    public static string Require(string? name) =>
        IsKnown(name) ? name! : throw new UnknownColumnFamilyException(name);
}

/// <summary>A request named a column family that is not default, lock or write.</summary>
public sealed class UnknownColumnFamilyException : ArgumentException
{
    public UnknownColumnFamilyException()
        : this(null)
    {
    }

    public UnknownColumnFamilyException(string? name)
        : base($"unknown column family '{Quote.Text(name)}'; use one of: {string.Join(", ", ColumnFamily.All)}")
    {
        Name = name;
    }

    public UnknownColumnFamilyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The name that was asked for.</summary>
    public string? Name { get; }
}
