using System.Text;
using System.Text.RegularExpressions;

namespace TinyKv.Course.Export;

/// <summary>
/// Turns a reference C# file into the student's file: every slot block loses its reference
/// branch and keeps only its stub. Pure: text in, text (or errors) out.
/// </summary>
/// <remarks>
/// <para>A slot block is written like this, the <c>#else</c> branch being optional:</para>
/// <code>
/// #if TINYKV_REF_2AA
///     … reference code …
/// #else
///     throw Todo.Slot("2AA", "advance the election timer; see the 2A handout");
/// #endif
/// </code>
/// <para>
/// The <c>#else</c> lines are kept as they are (indentation included); the directive lines and
/// the reference branch go. A block without <c>#else</c> disappears. Every other line, ordinary
/// conditionals such as <c>#if DEBUG</c> included, is copied unchanged, line endings too.
/// </para>
/// <para>
/// The stripper refuses, naming file and line: a milestone that does not exist, a condition that
/// combines a milestone symbol with anything else, <c>#elif</c> or any nested <c>#if</c> inside a
/// slot block, a slot block inside an ordinary conditional, an <c>#else</c> or <c>#endif</c> with
/// no open <c>#if</c>, a block left open at the end of the file, a <c>Todo.Slot</c> in the stub
/// that names another milestone than the block, and a <c>#define</c> or <c>#undef</c> of a
/// milestone symbol.
/// </para>
/// <para>
/// The reading is line by line: a line inside a multi-line string or a block comment that looks
/// like a directive is treated as one. Slot markers do not belong in such places anyway.
/// </para>
/// </remarks>
public static partial class SlotStripper
{
    /// <summary>The prefix every milestone symbol shares, e.g. <c>TINYKV_REF_2AA</c>.</summary>
    public const string SymbolPrefix = "TINYKV_REF_";

    /// <summary>
    /// Strips the slot blocks of one file.
    /// </summary>
    /// <param name="filePath">The file's path, used only in error messages.</param>
    /// <param name="text">The file's contents.</param>
    /// <returns>The student's text, or every error found in the file.</returns>
    public static StripResult Strip(string filePath, string text)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        ArgumentNullException.ThrowIfNull(text);

        var run = new Run(filePath);
        foreach (var line in SourceLine.Split(text))
        {
            run.Read(line);
        }

        return run.Finish(text);
    }

    // A slot opener, after trimming the line: exactly "#if TINYKV_REF_<milestone>".
    [GeneratedRegex(@"^#if TINYKV_REF_(?<milestone>\w*)$")]
    private static partial Regex SlotOpener();

    // A lone symbol written in another spacing or followed by a comment: "#  if TINYKV_REF_1 // x".
    [GeneratedRegex(@"^TINYKV_REF_\w*$")]
    private static partial Regex LoneSymbol();

    [GeneratedRegex(@"\bTodo\s*\.\s*(Slot|Pending)\s*\(")]
    private static partial Regex TodoSlotCall();

    [GeneratedRegex(@"\bTodo\s*\.\s*(Slot|Pending)\s*\(\s*""(?<milestone>[^""]*)""")]
    private static partial Regex TodoSlotWithLiteral();

    private static bool MentionsMilestoneSymbol(string condition) =>
        condition.Contains("TINYKV_REF", StringComparison.Ordinal);

    /// <summary>An open slot block while its lines are read.</summary>
    private sealed class OpenBlock(SourceLine opener, string? milestone)
    {
        public SourceLine Opener { get; } = opener;

        /// <summary>The block's milestone, or null when the opener itself was refused.</summary>
        public string? Milestone { get; } = milestone;

        /// <summary>The line of the block's #else, once read; from then on lines are the stub.</summary>
        public int? ElseLine { get; set; }

        /// <summary>Depth of a refused nested #if, so that its own #else and #endif are skipped.</summary>
        public int NestedDepth { get; set; }

        public string OpenerText => Opener.Content.Trim();
    }

    /// <summary>The state of one pass over one file.</summary>
    private sealed class Run(string filePath)
    {
        private readonly StringBuilder _output = new();
        private readonly List<ExportError> _errors = [];
        private readonly Dictionary<string, int> _removed = [];

        // Ordinary conditionals (#if DEBUG …) open outside slot blocks, innermost last.
        private readonly Stack<SourceLine> _ordinary = new();
        private OpenBlock? _block;

        public void Read(SourceLine line)
        {
            var directive = Directive.Parse(line.Content);
            if (directive is { Kind: DirectiveKind.Define or DirectiveKind.Undef }
                && MentionsMilestoneSymbol(directive.Argument))
            {
                Error(line, $"'{line.Content.Trim()}' sets a milestone symbol by hand; only the Edition switch " +
                    "in Directory.Build.props may define or undefine TINYKV_REF_ symbols");
            }

            if (_block is null)
            {
                ReadOutsideBlock(line, directive);
            }
            else
            {
                ReadInsideBlock(_block, line, directive);
            }
        }

        public StripResult Finish(string original)
        {
            if (_block is not null)
            {
                Error(_block.Opener, $"the slot block '{_block.OpenerText}' opened here has no #endif " +
                    "before the end of the file");
            }

            foreach (var open in _ordinary.Reverse())
            {
                Error(open, $"'{open.Content.Trim()}' has no #endif before the end of the file");
            }

            if (_errors.Count > 0)
            {
                var inLineOrder = _errors.OrderBy(e => e.Line).ToList();
                return new StripResult(null, inLineOrder, new Dictionary<string, int>());
            }

            var text = _removed.Count == 0 ? original : _output.ToString();
            return new StripResult(text, [], _removed);
        }

        private void ReadOutsideBlock(SourceLine line, Directive? directive)
        {
            switch (directive?.Kind)
            {
                case DirectiveKind.If when MentionsMilestoneSymbol(directive.Argument):
                    OpenSlotBlock(line, directive);
                    return;
                case DirectiveKind.If:
                    _ordinary.Push(line);
                    break;
                case DirectiveKind.Elif when MentionsMilestoneSymbol(directive.Argument):
                    Error(line, $"'{line.Content.Trim()}' tests a milestone symbol in an #elif; a slot block " +
                        "opens with its own line '#if TINYKV_REF_<milestone>'");
                    break;
                case DirectiveKind.Elif or DirectiveKind.Else when _ordinary.Count == 0:
                    Error(line, $"#{directive.Kind.ToString().ToLowerInvariant()} with no open #if");
                    break;
                case DirectiveKind.Endif when _ordinary.Count == 0:
                    Error(line, "#endif with no open #if");
                    break;
                case DirectiveKind.Endif:
                    _ordinary.Pop();
                    break;
                default:
                    break;
            }

            _output.Append(line.Raw);
        }

        private void OpenSlotBlock(SourceLine line, Directive directive)
        {
            var milestone = ReadMilestone(line, directive);
            if (_ordinary.Count > 0)
            {
                var enclosing = _ordinary.Peek();
                Error(line, $"slot block opens inside the ordinary conditional '{enclosing.Content.Trim()}' " +
                    $"at line {enclosing.Number}; a slot block may not sit inside another #if");

                // Carry on as if it were ordinary, so its #else and #endif pair up.
                _ordinary.Push(line);
                return;
            }

            _block = new OpenBlock(line, milestone);
        }

        /// <summary>The milestone of a well-formed opener, or null after reporting what is wrong.</summary>
        private string? ReadMilestone(SourceLine line, Directive directive)
        {
            var trimmed = line.Content.Trim();
            var opener = SlotOpener().Match(trimmed);
            if (!opener.Success)
            {
                var message = LoneSymbol().IsMatch(directive.Argument)
                    ? $"a slot block opens with a line that reads exactly '#if {directive.Argument}' " +
                      $"(one space, no comment), not '{trimmed}'"
                    : $"'{trimmed}' combines a milestone symbol with other conditions; a slot block's #if " +
                      "names exactly one symbol, e.g. '#if TINYKV_REF_2AA', with no !, &&, || or other symbols";
                Error(line, message);
                return null;
            }

            var milestone = opener.Groups["milestone"].Value;
            if (!Milestones.IsKnown(milestone))
            {
                Error(line, $"unknown milestone '{milestone}' in '{trimmed}'; the milestones are " +
                    string.Join(", ", Milestones.All));
                return null;
            }

            return milestone;
        }

        private void ReadInsideBlock(OpenBlock block, SourceLine line, Directive? directive)
        {
            if (block.NestedDepth > 0)
            {
                // Skipping a nested conditional already reported; nothing here is output.
                block.NestedDepth += directive?.Kind switch
                {
                    DirectiveKind.If => 1,
                    DirectiveKind.Endif => -1,
                    _ => 0,
                };
                return;
            }

            switch (directive?.Kind)
            {
                case DirectiveKind.If:
                    Error(line, $"'{line.Content.Trim()}' is nested inside the slot block '{block.OpenerText}' " +
                        $"opened at line {block.Opener.Number}; nesting is forbidden: a slot block may not " +
                        "contain any #if");
                    block.NestedDepth = 1;
                    return;
                case DirectiveKind.Elif:
                    Error(line, $"#elif inside the slot block '{block.OpenerText}' opened at line " +
                        $"{block.Opener.Number}; a slot block has only an optional #else and its #endif");
                    return;
                case DirectiveKind.Else when block.ElseLine is { } first:
                    Error(line, $"second #else in the slot block '{block.OpenerText}' opened at line " +
                        $"{block.Opener.Number} (the first is at line {first})");
                    return;
                case DirectiveKind.Else:
                    block.ElseLine = line.Number;
                    return;
                case DirectiveKind.Endif:
                    CloseBlock(block);
                    return;
                default:
                    break;
            }

            if (block.ElseLine is null)
            {
                return; // A reference line: the student does not get it.
            }

            CheckStubMilestone(block, line);
            _output.Append(line.Raw);
        }

        private void CheckStubMilestone(OpenBlock block, SourceLine line)
        {
            if (block.Milestone is null || !TodoSlotCall().IsMatch(line.Content))
            {
                return;
            }

            var call = TodoSlotWithLiteral().Match(line.Content);
            if (!call.Success)
            {
                Error(line, "the first argument of Todo.Slot (or Todo.Pending) must be the milestone as a string literal on the " +
                    $"same line, e.g. Todo.Slot(\"{block.Milestone}\", …), so the export can check it");
                return;
            }

            var named = call.Groups["milestone"].Value;
            if (named != block.Milestone)
            {
                Error(line, $"Todo.Slot names milestone '{named}' but its slot block '{block.OpenerText}' " +
                    $"(line {block.Opener.Number}) is milestone '{block.Milestone}'; the stub and the " +
                    "symbol must name the same milestone");
            }
        }

        private void CloseBlock(OpenBlock block)
        {
            if (block.Milestone is { } milestone)
            {
                _removed[milestone] = _removed.GetValueOrDefault(milestone) + 1;
            }

            _block = null;
        }

        private void Error(SourceLine line, string message) =>
            _errors.Add(new ExportError(filePath, line.Number, message));
    }
}
