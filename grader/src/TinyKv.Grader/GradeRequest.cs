using TinyKv.Course.Running;
using TinyKv.Grader.Reports;

namespace TinyKv.Grader;

/// <summary>What to grade and how to report it, as the command line asked.</summary>
/// <param name="Milestones">The milestone ids asked for; empty for every available one.</param>
/// <param name="Settings">Which build to grade.</param>
/// <param name="Format">The results file's format.</param>
/// <param name="OutFile">Where the results go; null for the format's default file (none for the table).</param>
public sealed record GradeRequest(IReadOnlyList<string> Milestones, BuildSettings Settings, ReportFormat Format, string? OutFile);
