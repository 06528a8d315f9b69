using TinyKv.Storage.Engine;

namespace TinyKv.Storage.Tests;

/// <summary>The engine contract, held against the in-memory engine of simulations.</summary>
public sealed class MemoryEngineTests : EngineContractTests
{
    protected override IKvEngine CreateEngine() => new MemoryEngine();
}
