namespace TinyKv.Grader.Tests;

/// <summary>A clock that always says the same time, so start and finish times in outputs are fixed.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
