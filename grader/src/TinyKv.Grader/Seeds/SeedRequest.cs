using TinyKv.Course.Running;
using TinyKv.Grader.Reports;

namespace TinyKv.Grader.Seeds;

/// <summary>What <c>grader --seeds N</c> runs and how it reports it, as the command line asked.</summary>
/// <param name="Milestones">The milestone ids asked for; empty for every available one.</param>
/// <param name="Seeds">The seeds to run each simulated test under, in order (see <see cref="SeedSequence"/>).</param>
/// <param name="Settings">Which build to run.</param>
/// <param name="Format">The results format: the table or json.</param>
/// <param name="OutFile">Where the results go; null for the format's default file (none for the table).</param>
public sealed record SeedRequest(IReadOnlyList<string> Milestones, IReadOnlyList<int> Seeds, BuildSettings Settings, ReportFormat Format, string? OutFile);

/// <summary>What <c>grader replay</c> reruns, as the command line asked.</summary>
/// <param name="Test">A part of the test's name: its display name or fully qualified name, or any part of it.</param>
/// <param name="Seed">The seed to run it under (<c>TINYKV_SEED</c>).</param>
/// <param name="Settings">Which build to run.</param>
public sealed record ReplayRequest(string Test, int Seed, BuildSettings Settings);
