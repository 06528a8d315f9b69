using System.Runtime.CompilerServices;
using TinyKv.TestKit.Simulation;

namespace TinyKv.Simulation.Tests;

/// <summary>Simulators for these tests, named after the calling test so a failure's replay command finds it.</summary>
internal static class Sim
{
    public static Simulator Create<TTest>(long? seed = null, long maxEvents = Simulator.DefaultMaxEvents, [CallerMemberName] string test = "") =>
        new(seed ?? SimulationSeed.Resolve(), $"{typeof(TTest).Name}.{test}", maxEvents);
}
