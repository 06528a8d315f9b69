namespace TinyKv.Course.Mutants;

/// <summary>
/// One mutant of the catalog (<c>course/mutants/mutants.json</c>): a bug planted in the
/// reference on purpose, which the graded tests of <paramref name="Milestone"/> must notice.
/// </summary>
/// <param name="Id">A short name, also the patch's file name without <c>.patch</c>, e.g. <c>stale-read</c>.</param>
/// <param name="Description">The bug in one sentence, as a student might write it.</param>
/// <param name="Milestone">The milestone whose graded tests must fail on it, e.g. "2B".</param>
/// <param name="Patch">The patch's full path: a unified diff that applies with <c>git apply</c> at the repository root.</param>
public sealed record MutantSpec(string Id, string Description, string Milestone, string Patch);
