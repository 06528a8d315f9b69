namespace TinyKv.Grader;

/// <summary>The grader's exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Every selected test passed, and at least one ran.</summary>
    public const int AllPassed = 0;

    /// <summary>A test failed, the build failed, nothing ran, or the course manifest is unreadable.</summary>
    public const int NotAllPassed = 1;

    /// <summary>The command line was wrong: an unknown option value or milestone.</summary>
    public const int Usage = 2;
}
