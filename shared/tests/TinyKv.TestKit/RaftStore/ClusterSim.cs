using System.Runtime.CompilerServices;
using TinyKv.TestKit.Simulation;

namespace TinyKv.TestKit.RaftStore;

/// <summary>Simulators named after the calling test, so a failure's replay command selects exactly that test.</summary>
public static class ClusterSim
{
    /// <summary>A simulator for the test <paramref name="test"/> of <typeparamref name="TTests"/>, seeded from <c>TINYKV_SEED</c>.</summary>
    public static Simulator For<TTests>([CallerMemberName] string test = "") =>
        Simulator.FromEnvironment($"{typeof(TTests).Name}.{test}");

    /// <summary>Runs the generic scenario <paramref name="options"/> as the test <paramref name="test"/> of <typeparamref name="TTests"/>.</summary>
    public static void RunGeneric<TTests>(ScenarioOptions options, [CallerMemberName] string test = "")
    {
        using var sim = For<TTests>(test);
        GenericScenario.Run(sim, options);
    }
}
