using Xunit.Abstractions;
using Xunit.Sdk;

namespace TinyKv.TestKit;

/// <summary>
/// Marks a test (or every test of a class) whose run is fully determined by <c>TINYKV_SEED</c>:
/// the same seed gives the same history, event for event, and another seed explores another
/// one. Tagged as the xunit trait <c>Simulated=true</c>, so <c>grader --seeds N</c> can run
/// such tests under many seeds and <c>grader replay</c> can rerun one under a failing seed.
/// </summary>
/// <remarks>
/// Tag only a test that takes its seed from <c>TINYKV_SEED</c> (through
/// <see cref="Simulation.SimulationSeed"/> or <see cref="TestSeed"/>). A test with a fixed
/// seed of its own (a theory case <c>[InlineData(3)]</c>) runs the same history under every
/// seed: tagging it only makes a many-seed run slower.
/// </remarks>
[TraitDiscoverer("TinyKv.TestKit.SimulatedDiscoverer", "TinyKv.TestKit")]
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class SimulatedAttribute : Attribute, ITraitAttribute
{
}

/// <summary>Turns <see cref="SimulatedAttribute"/> into the xunit trait <c>Simulated=true</c>.</summary>
public sealed class SimulatedDiscoverer : ITraitDiscoverer
{
    /// <summary>The trait name the grader and <c>dotnet test --filter</c> use.</summary>
    public const string TraitName = "Simulated";

    /// <summary>The trait's only value.</summary>
    public const string TraitValue = "true";

    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        ArgumentNullException.ThrowIfNull(traitAttribute);
        yield return new KeyValuePair<string, string>(TraitName, TraitValue);
    }
}
