namespace TinyKv.Grader.Reports;

/// <summary>
/// When Gradescope shows students the tests of a results file (its <c>visibility</c> field). The
/// score itself follows the assignment's own setting on Gradescope.
/// </summary>
public enum GradescopeVisibility
{
    /// <summary>Once the instructor publishes the grades (the default: keep it the first value).</summary>
    AfterPublished,

    /// <summary>As soon as the autograder finishes.</summary>
    Visible,

    /// <summary>Once the assignment's due date has passed.</summary>
    AfterDueDate,

    /// <summary>Never: only instructors see the tests.</summary>
    Hidden,
}

/// <summary>The names Gradescope's results schema gives each <see cref="GradescopeVisibility"/>.</summary>
public static class GradescopeVisibilities
{
    /// <summary>Parses a --visibility value: visible, after_published, after_due_date or hidden.</summary>
    /// <exception cref="ArgumentException">Not one of them.</exception>
    public static GradescopeVisibility Parse(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "after_published" => GradescopeVisibility.AfterPublished,
        "visible" => GradescopeVisibility.Visible,
        "after_due_date" => GradescopeVisibility.AfterDueDate,
        "hidden" => GradescopeVisibility.Hidden,
        _ => throw new ArgumentException($"unknown visibility '{text}'; use visible, after_published, after_due_date or hidden"),
    };

    /// <summary>The value as Gradescope's results.json spells it.</summary>
    public static string NameOf(GradescopeVisibility visibility) => visibility switch
    {
        GradescopeVisibility.Visible => "visible",
        GradescopeVisibility.AfterDueDate => "after_due_date",
        GradescopeVisibility.Hidden => "hidden",
        _ => "after_published",
    };
}
