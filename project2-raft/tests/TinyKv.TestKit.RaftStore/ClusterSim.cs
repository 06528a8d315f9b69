using System.Runtime.CompilerServices;
using TinyKv.TestKit.Simulation;

namespace TinyKv.TestKit.RaftStore;

/// <summary>Simulators named after the calling test, so a failure's replay command selects exactly that test.</summary>
public static class ClusterSim
{
    /// <summary>A simulator for the test <paramref name="test"/> of <typeparamref name="TTests"/>, seeded from <c>TINYKV_SEED</c>.</summary>
    public static Simulator For<TTests>([CallerMemberName] string test = "") =>
        Simulator.FromEnvironment($"{typeof(TTests).Name}.{test}");

    /// <summary>
    /// Runs the generic scenario <paramref name="options"/> as the test <paramref name="test"/> of
    /// <typeparamref name="TTests"/>. When it fails and <c>TINYKV_TRACE_DIR</c> is set, the
    /// trace goes to a file there named after the test and the seed (<see cref="Simulator.SaveTrace"/>).
    /// </summary>
    public static void RunGeneric<TTests>(ScenarioOptions options, [CallerMemberName] string test = "")
    {
        using var sim = For<TTests>(test);
        try
        {
            GenericScenario.Run(sim, options);
        }
        catch (Exception exception) when (exception is not SimulationFailedException)
        {
            // A failed check after the run (the history, the final scans): the simulator did
            // not fail by itself, so its trace is saved here.
            sim.SaveTrace();
            throw;
        }
    }
}
