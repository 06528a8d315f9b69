using System.Text.RegularExpressions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Course.Hints;

/// <summary>
/// Hints keyed to failures (<c>course/hints.json</c>): for a failed graded test, the first
/// signature its outcome or its message matches gives a hint and the handout section that
/// explains the failure. The docs list the same table (<c>docs/hints.md</c>) and the site's
/// browser test checks that every section it names is a heading of its page.
/// </summary>
public sealed partial class FailureHints
{
    /// <summary>Where the table lives, relative to the repository root.</summary>
    public const string RelativePath = "course/hints.json";

    private readonly IReadOnlyList<Signature> _signatures;

    private FailureHints(IReadOnlyList<Signature> signatures) => _signatures = signatures;

    /// <summary>No signatures: no test gets a hint.</summary>
    public static FailureHints None { get; } = new([]);

    /// <summary>The signatures, in the order they are tried.</summary>
    public IReadOnlyList<Signature> Signatures => _signatures;

    /// <summary>Loads the table of the repository rooted at <paramref name="repositoryRoot"/>.</summary>
    /// <exception cref="ManifestException">The file is missing, not JSON, or a signature breaks a rule.</exception>
    public static FailureHints LoadFrom(string repositoryRoot) => Load(Path.Combine(repositoryRoot, RelativePath));

    /// <summary>Loads and checks the table at <paramref name="path"/>.</summary>
    /// <exception cref="ManifestException">The file is missing, not JSON, or a signature breaks a rule; the message names it.</exception>
    public static FailureHints Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = CourseFile.Read<HintsFile>(path, "hints table", "no hints table here", "not a valid hints table", message => new ManifestException(message));

        var signatures = (file.Hints ?? throw new ManifestException($"{path}: 'hints' is missing"))
            .Select((entry, i) => Check(entry, $"{path}: hints[{i}]"))
            .ToList();
        if (signatures.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ManifestException($"{path}: the id '{twice.Key}' is used twice");
        }

        return new FailureHints(signatures);
    }

    /// <summary>The hint for <paramref name="test"/>, or null when it passed or matches no signature.</summary>
    public Hint? For(TestResult test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (test.IsPassed)
        {
            return null;
        }

        foreach (var signature in _signatures)
        {
            var matches = signature.Outcome is { } outcome
                ? test.Outcome == outcome
                : test.Outcome is TestOutcome.Failed or TestOutcome.Crashed && signature.Match!.IsMatch(test.Output);
            if (matches)
            {
                return new Hint(signature, Fill(signature, test));
            }
        }

        return null;
    }

    /// <summary>The signature's hint text for <paramref name="test"/>: its <c>{quote}</c> filled, and for a slot the slot's own words.</summary>
    private static string Fill(Signature signature, TestResult test)
    {
        var text = signature.Text;
        if (signature.Quote is { } quote)
        {
            var found = quote.Match(test.Output);
            text = text.Replace("{quote}", found.Success ? found.Value : "see the message", StringComparison.Ordinal);
        }

        if (test.Outcome == TestOutcome.NotStarted && TodoSlot().Match(test.Output) is { Success: true } slot)
        {
            text += $" (here: {slot.Value.TrimEnd()})";
        }

        return text;
    }

    private static Signature Check(HintEntry entry, string where)
    {
        var id = Require(entry.Id, where, "id");
        where = $"{where} ('{id}')";
        if ((entry.Match is null) == (entry.Outcome is null))
        {
            throw new ManifestException($"{where}: give one of 'match' (a regular expression) and 'outcome' (NotStarted, TimedOut, Crashed)");
        }

        TestOutcome? outcome = null;
        if (entry.Outcome is { } name)
        {
            if (!Enum.TryParse<TestOutcome>(name, out var parsed) || parsed is TestOutcome.Passed or TestOutcome.Failed)
            {
                throw new ManifestException($"{where}: 'outcome' must be NotStarted, TimedOut or Crashed, not '{name}'");
            }

            outcome = parsed;
        }

        return new Signature(
            id,
            Require(entry.Title, where, "title"),
            Require(entry.Hint, where, "hint"),
            Require(entry.Page, where, "page"),
            Require(entry.Section, where, "section"),
            outcome,
            entry.Match is { } match ? Pattern(match, where, "match") : null,
            entry.Quote is { } quote ? Pattern(quote, where, "quote") : null);
    }

    private static Regex Pattern(string pattern, string where, string field)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            throw new ManifestException($"{where}: '{field}' is not a regular expression: {ex.Message}");
        }
    }

    private static string Require(string? value, string where, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new ManifestException($"{where}: '{field}' is missing") : value;

    [GeneratedRegex(@"TODO\([0-9A-Z]+\): [^\n]*")]
    private static partial Regex TodoSlot();

    private sealed record HintsFile(List<HintEntry>? Hints);

    private sealed record HintEntry(string? Id, string? Title, string? Outcome, string? Match, string? Quote, string? Hint, string? Page, string? Section);
}

/// <summary>One failure signature of the table.</summary>
/// <param name="Id">A short name (<c>two-leaders</c>).</param>
/// <param name="Title">What the failure is, in a few words.</param>
/// <param name="Text">The hint, with <c>{quote}</c> where the message's own words go.</param>
/// <param name="Page">The docs page that explains it (<c>stage2a</c> for <c>docs/stage2a.md</c>).</param>
/// <param name="Section">The heading of that page.</param>
/// <param name="Outcome">The outcome it matches, or null when it matches the message.</param>
/// <param name="Match">The expression searched in the failure message, or null when it matches the outcome.</param>
/// <param name="Quote">The expression whose first match goes into <c>{quote}</c>, if any.</param>
public sealed record Signature(string Id, string Title, string Text, string Page, string Section, TestOutcome? Outcome, Regex? Match, Regex? Quote);

/// <summary>The hint for one failed test.</summary>
/// <param name="Signature">The signature it matched.</param>
/// <param name="Text">The hint, filled in for the test.</param>
public sealed record Hint(Signature Signature, string Text)
{
    /// <summary>Where to read: the handout file and section (<c>docs/stage2a.md, 'Voting'</c>).</summary>
    public string Where => $"docs/{Signature.Page}.md, '{Signature.Section}'";

    /// <summary>The hint and where to read, in one line.</summary>
    public override string ToString() => $"hint ({Signature.Title}): {Text}; see {Where}";
}
