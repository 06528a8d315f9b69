namespace TinyKv.Course.Autograder;

/// <summary>
/// What the instructor chose for a Gradescope autograder: when students see the tests and which
/// milestones are graded. The bundle carries them in <c>autograder.env</c>, read by <c>run_autograder</c>.
/// </summary>
/// <param name="Visibility">When students see the tests, every test's and each milestone's of its own.</param>
/// <param name="Milestones">The milestone ids to grade; empty for every available one.</param>
public sealed record AutograderSettings(TestVisibility Visibility, IReadOnlyList<string> Milestones)
{
    /// <summary>The settings file's text: shell assignments that an environment variable of the same name overrides.</summary>
    public string EnvironmentFile() =>
        "# Written by tinykv-course autograder; run_autograder reads it. A variable set in the environment wins.\n" +
        $"TINYKV_AUTOGRADER_VISIBILITY=\"${{TINYKV_AUTOGRADER_VISIBILITY:-{string.Join(' ', Visibility.Values())}}}\"\n" +
        $"TINYKV_AUTOGRADER_MILESTONES=\"${{TINYKV_AUTOGRADER_MILESTONES:-{string.Join(' ', Milestones)}}}\"\n";
}
