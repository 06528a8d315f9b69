using System.Xml;
using System.Xml.Linq;

namespace TinyKv.Course.Export;

/// <summary>
/// Takes the projects of left-out folders out of a solution file in the XML format
/// (<c>.slnx</c>), so the student's solution names only projects that exist in the student's tree.
/// </summary>
public static class SolutionFilter
{
    /// <summary>
    /// Removes every <c>&lt;Project Path="…"/&gt;</c> and <c>&lt;File Path="…"/&gt;</c> whose path
    /// <paramref name="isExcluded"/> accepts, and every <c>&lt;Folder&gt;</c> that becomes empty as
    /// a result (a folder whose last sub-folder went, too). Everything else, layout included, is
    /// kept; a solution with nothing to remove comes back as the very same string.
    /// </summary>
    /// <param name="filePath">The solution's path, used only in error messages.</param>
    /// <param name="text">The solution file's contents.</param>
    /// <param name="isExcluded">Whether a path, as written in the solution with <c>/</c> separators, is left out.</param>
    /// <param name="removed">The paths of the projects and files removed, in document order.</param>
    public static EditedText RemoveExcluded(
        string filePath,
        string text,
        Func<string, bool> isExcluded,
        out IReadOnlyList<string> removed)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(isExcluded);

        removed = [];
        XDocument document;
        try
        {
            document = XDocument.Parse(text, LoadOptions.PreserveWhitespace | LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            return new EditedText(null, [new ExportError(filePath, e.LineNumber, $"not a valid solution file: {e.Message}")]);
        }

        var doomed = document.Descendants()
            .Where(e => e.Name.LocalName is "Project" or "File")
            .Select(e => (Element: e, Path: ((string?)e.Attribute("Path"))?.Replace('\\', '/')))
            .Where(item => item.Path is not null && isExcluded(item.Path))
            .ToList();
        if (doomed.Count == 0)
        {
            return new EditedText(text, []);
        }

        var emptied = new List<string>();
        foreach (var (element, _) in doomed)
        {
            var folder = element.Parent;
            RemoveWithIndentation(element);
            if (folder is { Name.LocalName: "Folder" } && !folder.Elements().Any())
            {
                emptied.Add((string?)folder.Attribute("Name") ?? "");
                RemoveWithIndentation(folder);
            }
        }

        RemoveEmptiedParents(document, emptied);
        removed = doomed.Select(item => item.Path!).ToList();
        return new EditedText(Serialize(document, text), []);
    }

    /// <summary>
    /// Folders nest by name ("/course/" holds "/course/tests/"). A folder with no elements of its
    /// own whose sub-folders have all been removed goes as well.
    /// </summary>
    private static void RemoveEmptiedParents(XDocument document, List<string> emptied)
    {
        bool removedOne;
        do
        {
            removedOne = false;
            var folders = document.Descendants().Where(e => e.Name.LocalName == "Folder").ToList();
            foreach (var folder in folders)
            {
                var name = (string?)folder.Attribute("Name") ?? "";
                var isParentOfEmptied = emptied.Any(child => child != name && child.StartsWith(name, StringComparison.Ordinal));
                var hasOtherChildren = folders.Any(other => other != folder && other.Parent is not null &&
                    ((string?)other.Attribute("Name") ?? "").StartsWith(name, StringComparison.Ordinal));
                if (name.Length > 0 && isParentOfEmptied && !folder.Elements().Any() && !hasOtherChildren)
                {
                    emptied.Add(name);
                    RemoveWithIndentation(folder);
                    removedOne = true;
                }
            }
        }
        while (removedOne);
    }

    private static void RemoveWithIndentation(XElement element)
    {
        if (element.PreviousNode is XText indentation && string.IsNullOrWhiteSpace(indentation.Value))
        {
            indentation.Remove();
        }

        element.Remove();
    }

    private static string Serialize(XDocument document, string original)
    {
        var declaration = document.Declaration is { } d ? d + "\n" : "";
        var body = string.Concat(document.Nodes().Select(n => n.ToString(SaveOptions.DisableFormatting)));
        var ending = original.EndsWith("\r\n", StringComparison.Ordinal) ? "\r\n"
            : original.EndsWith('\n') ? "\n"
            : "";
        return declaration + body.TrimEnd() + ending;
    }
}
