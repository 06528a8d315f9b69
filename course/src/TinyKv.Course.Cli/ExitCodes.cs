namespace TinyKv.Course.Cli;

/// <summary>The exit codes of <c>tinykv-course</c>.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked and every check held.</summary>
    public const int Success = 0;

    /// <summary>A check failed, the export was refused, or a build broke.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong: an unknown option or milestone, no repository found.</summary>
    public const int Usage = 2;
}
