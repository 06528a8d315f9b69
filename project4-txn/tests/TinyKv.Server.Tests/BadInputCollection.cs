using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>
/// The bad-input tests run alone, after the others: a flood of ten thousand calls would starve
/// the tests beside it on a small machine, and the fuzz holds every call to a deadline, which
/// another test's load must not eat into.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BadInputCollection
{
    public const string Name = "Bad input";
}
