using System.Runtime.CompilerServices;
using TinyKv.TestKit.Simulation;

namespace TinyKv.TestKit.RaftStore;

/// <summary>Simulators named after the calling test, so a failure's replay command selects exactly that test.</summary>
public static class ClusterSim
{
    /// <summary>A simulator for the test <paramref name="test"/> of <typeparamref name="TTests"/>, seeded from <c>TINYKV_SEED</c>.</summary>
    public static Simulator For<TTests>([CallerMemberName] string test = "") =>
        Simulator.FromEnvironment($"{typeof(TTests).Name}.{test}");

    /// <summary>The variable naming a folder where a failed cluster run leaves its trace (the last 10,000 lines).</summary>
    public const string TraceFolderVariable = "TINYKV_TRACE_DIR";

    /// <summary>
    /// Runs the generic scenario <paramref name="options"/> as the test <paramref name="test"/> of
    /// <typeparamref name="TTests"/>. When it fails and <c>TINYKV_TRACE_DIR</c> is set, the
    /// trace goes to a file there named after the test and the seed.
    /// </summary>
    public static void RunGeneric<TTests>(ScenarioOptions options, [CallerMemberName] string test = "")
    {
        using var sim = For<TTests>(test);
        try
        {
            GenericScenario.Run(sim, options);
        }
        catch (Exception)
        {
            SaveTrace(sim, $"{typeof(TTests).Name}.{test}");
            throw;
        }
    }

    /// <summary>
    /// Writes the retained trace of <paramref name="sim"/> to <c>TINYKV_TRACE_DIR</c>/‹name›-‹seed›.trace
    /// when the variable is set; returns whether it wrote one.
    /// </summary>
    public static bool SaveTrace(Simulator sim, string name)
    {
        ArgumentNullException.ThrowIfNull(sim);
        if (Environment.GetEnvironmentVariable(TraceFolderVariable) is not { Length: > 0 } folder)
        {
            return false;
        }

        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, $"{name}-{sim.Seed}.trace"), sim.Trace.Tail(int.MaxValue));
        return true;
    }
}
