using System.Text;

namespace TinyKv.Course.Export;

/// <summary>
/// Writes the files of one export into the staging folder, each in its student form: C# files
/// stripped of their reference branches, the root <c>Directory.Build.props</c> without the
/// Edition switch, root solution files without the projects left out, everything else as is.
/// Problems are collected, not thrown, so one run reports every file that needs fixing.
/// </summary>
internal sealed class StudentTreeWriter(string sourceRoot, string stagingRoot, PathFilter exclude)
{
    private const string BuildProps = "Directory.Build.props";

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] s_utf8Bom = [0xEF, 0xBB, 0xBF];

    private readonly List<ExportError> _errors = [];
    private readonly List<string> _dropped = [];
    private readonly List<string> _removedFromSolutions = [];
    private readonly SortedDictionary<string, int> _slotsRemoved =
        new(Comparer<string>.Create((a, b) => Milestones.OrdinalOf(a).CompareTo(Milestones.OrdinalOf(b))));

    private bool _sawBuildProps;

    public IReadOnlyList<ExportError> Errors => _errors;

    public IReadOnlyList<string> Dropped => _dropped;

    public IReadOnlyList<string> RemovedFromSolutions => _removedFromSolutions;

    public IReadOnlyDictionary<string, int> SlotsRemoved => _slotsRemoved;

    public int FilesCopied { get; private set; }

    public int FilesStripped { get; private set; }

    /// <summary>Exports one repository-relative file (or records why it is left out).</summary>
    public void Add(string relativePath)
    {
        if (exclude.Matches(relativePath))
        {
            _dropped.Add(relativePath);
            return;
        }

        var sourcePath = Path.Combine(sourceRoot, relativePath);
        var output = Transform(relativePath, File.ReadAllBytes(sourcePath));
        if (output is null || _errors.Count > 0)
        {
            return; // The export will fail; writing more would be wasted.
        }

        var target = Path.Combine(stagingRoot, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, output);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, File.GetUnixFileMode(sourcePath)); // scripts stay executable
        }

        FilesCopied++;
    }

    /// <summary>Records problems with the tree as a whole, once every file has been added.</summary>
    public void Finish()
    {
        if (!_sawBuildProps)
        {
            _errors.Add(new ExportError(BuildProps, null,
                "the repository root has no Directory.Build.props, so there is no Edition switch to remove"));
        }
    }

    /// <summary>The bytes to write for a file, or null when the file has errors.</summary>
    private byte[]? Transform(string relativePath, byte[] bytes)
    {
        if (relativePath.EndsWith(".cs", StringComparison.Ordinal))
        {
            return EditText(relativePath, bytes, text => StripSlots(relativePath, text));
        }

        if (relativePath == BuildProps)
        {
            _sawBuildProps = true;
            return EditText(relativePath, bytes, text => EditionSwitch.Remove(relativePath, text));
        }

        if (relativePath.EndsWith(".slnx", StringComparison.Ordinal) && !relativePath.Contains('/'))
        {
            return EditText(relativePath, bytes, text => RemoveExcludedProjects(relativePath, text));
        }

        return bytes;
    }

    private EditedText StripSlots(string relativePath, string text)
    {
        var result = SlotStripper.Strip(relativePath, text);
        if (result.Changed)
        {
            FilesStripped++;
            foreach (var (milestone, count) in result.BlocksRemoved)
            {
                _slotsRemoved[milestone] = _slotsRemoved.GetValueOrDefault(milestone) + count;
            }
        }

        return new EditedText(result.Text, result.Errors);
    }

    private EditedText RemoveExcludedProjects(string relativePath, string text)
    {
        var edited = SolutionFilter.RemoveExcluded(relativePath, text, exclude.Matches, out var removed);
        _removedFromSolutions.AddRange(removed);
        return edited;
    }

    /// <summary>
    /// Decodes UTF-8 (with or without a byte order mark), edits, and encodes the same way.
    /// An unchanged text gives back the original bytes.
    /// </summary>
    private byte[]? EditText(string relativePath, byte[] bytes, Func<string, EditedText> edit)
    {
        var hasBom = bytes.AsSpan().StartsWith(s_utf8Bom);
        string text;
        try
        {
            text = s_strictUtf8.GetString(bytes, hasBom ? s_utf8Bom.Length : 0, bytes.Length - (hasBom ? s_utf8Bom.Length : 0));
        }
        catch (DecoderFallbackException)
        {
            _errors.Add(new ExportError(relativePath, null, "is not valid UTF-8 text; save it as UTF-8 so the export can read it"));
            return null;
        }

        var edited = edit(text);
        if (!edited.Succeeded)
        {
            _errors.AddRange(edited.Errors);
            return null;
        }

        if (edited.Text == text)
        {
            return bytes;
        }

        var encoded = s_strictUtf8.GetBytes(edited.Text!);
        return hasBom ? [.. s_utf8Bom, .. encoded] : encoded;
    }
}
