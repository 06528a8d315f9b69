namespace TinyKv.Grader.Submissions;

/// <summary>How a submission's milestones are built for grading.</summary>
public enum GradingMode
{
    /// <summary>
    /// Each milestone on its own: the reference of every milestone before it, the stubs of every
    /// milestone after it, and the student's files of that milestone. One early bug does not sink
    /// every later grade. The default.
    /// </summary>
    Isolate,

    /// <summary>Each milestone with the student's files of every milestone up to it, as the student's own tree runs.</summary>
    Cumulative,
}
