using System.Diagnostics;

namespace TinyKv.Cluster;

/// <summary>A bound on a wait: how long it may take in all, and how much of that is left.</summary>
public sealed class Deadline
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    /// <summary>A deadline <paramref name="limit"/> from now.</summary>
    public Deadline(TimeSpan limit) => Limit = limit;

    /// <summary>The whole time allowed.</summary>
    public TimeSpan Limit { get; }

    /// <summary>Whether the time is up.</summary>
    public bool Expired => _watch.Elapsed >= Limit;

    /// <summary>The time allowed, in words for messages: <c>60 s</c>.</summary>
    public override string ToString() => $"{Limit.TotalSeconds:0} s";
}
