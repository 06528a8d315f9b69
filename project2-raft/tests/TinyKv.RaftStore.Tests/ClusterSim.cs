using System.Runtime.CompilerServices;
using TinyKv.TestKit.Simulation;

namespace TinyKv.RaftStore.Tests;

/// <summary>Simulators named after the calling test, so a failure's replay command selects exactly that test.</summary>
internal static class ClusterSim
{
    public static Simulator For<TTests>([CallerMemberName] string test = "") =>
        Simulator.FromEnvironment($"{typeof(TTests).Name}.{test}");
}
