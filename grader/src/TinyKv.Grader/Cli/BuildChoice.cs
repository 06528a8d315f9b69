using TinyKv.Course.Running;

namespace TinyKv.Grader.Cli;

/// <summary>Turns --edition and --reference-through into the build the grader grades.</summary>
public static class BuildChoice
{
    /// <summary>Parses an --edition value into the MSBuild Edition ("Reference" or "Student").</summary>
    /// <exception cref="ArgumentException">Neither reference nor student.</exception>
    public static string ParseEdition(string text) => text?.Trim().ToUpperInvariant() switch
    {
        "REFERENCE" => "Reference",
        "STUDENT" => "Student",
        _ => throw new ArgumentException($"unknown edition '{text}'; use reference or student"),
    };

    /// <summary>Parses a --reference-through value into a milestone id of the course.</summary>
    /// <exception cref="ArgumentException">Not a milestone id.</exception>
    public static string ParseMilestone(string text)
    {
        var id = text?.Trim().ToUpperInvariant();
        return Milestones.IsKnown(id)
            ? id!
            : throw new ArgumentException($"--reference-through must be a milestone ({string.Join(", ", Milestones.All)}), not '{text}'");
    }

    /// <summary>
    /// The build settings for the parsed options: the edition and the milestone as given, and the
    /// tree as it is when neither was given (a student's own tree has no edition switch).
    /// </summary>
    public static BuildSettings Settings(string? edition, string? referenceThrough) =>
        edition is null && referenceThrough is null ? BuildSettings.AsIs : new BuildSettings(edition, referenceThrough);
}
