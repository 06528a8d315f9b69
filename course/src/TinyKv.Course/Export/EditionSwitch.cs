using System.Text;

namespace TinyKv.Course.Export;

/// <summary>
/// Removes the Edition switch from <c>Directory.Build.props</c>. The switch sits between a line
/// containing <c>&lt;!-- edition:begin</c> and a line containing <c>&lt;!-- edition:end --&gt;</c>;
/// both lines and everything between them go, so a student's build defines no milestone symbol.
/// </summary>
public static class EditionSwitch
{
    /// <summary>The text on the line that opens the switch.</summary>
    public const string BeginMarker = "<!-- edition:begin";

    /// <summary>The text on the line that closes the switch.</summary>
    public const string EndMarker = "<!-- edition:end -->";

    /// <summary>
    /// Removes every edition block from <paramref name="text"/>. At least one block is required
    /// and the markers must pair up. When the lines on both sides of a block are blank, one of
    /// them goes too, so no double gap is left behind. Line endings are kept.
    /// </summary>
    /// <param name="filePath">The file's path, used only in error messages.</param>
    /// <param name="text">The contents of <c>Directory.Build.props</c>.</param>
    public static EditedText Remove(string filePath, string text)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        ArgumentNullException.ThrowIfNull(text);

        var errors = new List<ExportError>();
        var output = new StringBuilder();
        SourceLine? openedAt = null;
        var blocks = 0;
        var lastKeptIsBlank = false;
        var justClosed = false;

        foreach (var line in SourceLine.Split(text))
        {
            var isBegin = line.Content.Contains(BeginMarker, StringComparison.Ordinal);
            var isEnd = line.Content.Contains(EndMarker, StringComparison.Ordinal);
            if (isBegin && openedAt is { } open)
            {
                errors.Add(new ExportError(filePath, line.Number,
                    $"second '{BeginMarker}' before the '{EndMarker}' of the block opened at line {open.Number}"));
            }
            else if (isBegin)
            {
                openedAt = line;
            }
            else if (isEnd && openedAt is null)
            {
                errors.Add(new ExportError(filePath, line.Number, $"'{EndMarker}' with no '{BeginMarker}' before it"));
            }
            else if (isEnd)
            {
                openedAt = null;
                blocks++;
                justClosed = true;
            }
            else if (openedAt is null)
            {
                var isBlank = string.IsNullOrWhiteSpace(line.Content);
                if (!(justClosed && isBlank && lastKeptIsBlank))
                {
                    output.Append(line.Raw);
                    lastKeptIsBlank = isBlank;
                }

                justClosed = false;
            }
        }

        if (openedAt is { } unclosed)
        {
            errors.Add(new ExportError(filePath, unclosed.Number,
                $"the edition block opened here has no '{EndMarker}' line"));
        }
        else if (blocks == 0 && errors.Count == 0)
        {
            errors.Add(new ExportError(filePath, null,
                $"no edition block: the Edition switch must sit between a '{BeginMarker}' line and a " +
                $"'{EndMarker}' line so the export can remove it"));
        }

        return errors.Count > 0 ? new EditedText(null, errors) : new EditedText(output.ToString(), []);
    }
}
