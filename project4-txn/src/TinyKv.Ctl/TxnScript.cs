using System.Globalization;
using System.Text;

namespace TinyKv.Ctl;

/// <summary>What a statement of a transaction script does.</summary>
public enum TxnVerb
{
    /// <summary><c>get KEY</c>: read a key.</summary>
    Get,

    /// <summary><c>scan START [LIMIT]</c>: read pairs in key order from START on.</summary>
    Scan,

    /// <summary><c>set KEY VALUE</c> (or <c>put</c>): buffer a write.</summary>
    Set,

    /// <summary><c>delete KEY</c> (or <c>del</c>): buffer a delete.</summary>
    Delete,

    /// <summary><c>commit</c>: commit the transaction, then begin the next one.</summary>
    Commit,

    /// <summary><c>rollback</c>: drop the transaction's writes, then begin the next one.</summary>
    Rollback,
}

/// <summary>One statement of a script: its verb, its keys and values as bytes, and its text for messages.</summary>
public sealed record TxnStatement(int Number, TxnVerb Verb, string Text, byte[] Key, byte[] Value, uint Limit)
{
    /// <summary>How the statement reads in a message: its number and text.</summary>
    public override string ToString() => $"statement {Number} ({Text})";
}

/// <summary>
/// A transaction script for <c>tinykv-ctl txn</c>: statements separated by <c>;</c> or new
/// lines, words separated by spaces, a word in double quotes when it holds spaces or a
/// <c>;</c> (<c>\"</c> and <c>\\</c> inside quotes), and <c>#</c> starting a comment to the
/// end of the line.
/// </summary>
/// <example>
/// <code>
/// set k1 v1; set k2 "two words"; commit; get k1; get k2
/// </code>
/// </example>
/// <remarks>
/// A transaction begins at the first statement and again after each <c>commit</c> or
/// <c>rollback</c>. Writes must be ended by one of those: a script whose last writes are
/// never committed is refused before anything runs, so nothing is left half-done by a typo.
/// </remarks>
public static class TxnScript
{
    /// <summary>The syntax, as the command's help shows it.</summary>
    public const string Syntax =
        "Statements separated by ';' or new lines: get KEY | scan START [LIMIT] | set KEY VALUE | delete KEY | commit | rollback. " +
        "A transaction begins implicitly, and again after each commit or rollback; writes must end with commit or rollback. " +
        "Quote words with spaces or ';' in double quotes; '#' starts a comment.";

    private const uint DefaultScanLimit = 100;

    /// <summary>Parses <paramref name="text"/>; keys and values are UTF-8, or hexadecimal with <paramref name="hex"/>.</summary>
    /// <exception cref="FormatException">The script is empty or malformed; the message names the statement.</exception>
    public static IReadOnlyList<TxnStatement> Parse(string text, bool hex)
    {
        ArgumentNullException.ThrowIfNull(text);
        var statements = new List<TxnStatement>();
        foreach (var words in Split(text))
        {
            statements.Add(Statement(statements.Count + 1, words, hex));
        }

        if (statements.Count == 0)
        {
            throw new FormatException("the script is empty; " + Syntax);
        }

        var lastEnd = statements.FindLastIndex(s => s.Verb is TxnVerb.Commit or TxnVerb.Rollback);
        if (statements.Skip(lastEnd + 1).FirstOrDefault(s => s.Verb is TxnVerb.Set or TxnVerb.Delete) is { } dangling)
        {
            throw new FormatException($"{dangling} writes, but no commit follows it; end the script with 'commit' (or 'rollback')");
        }

        return statements;
    }

    private static TxnStatement Statement(int number, List<string> words, bool hex)
    {
        var text = string.Join(' ', words.Select(Quote));
        var verb = words[0].ToLowerInvariant() switch
        {
            "get" => TxnVerb.Get,
            "scan" => TxnVerb.Scan,
            "set" or "put" => TxnVerb.Set,
            "delete" or "del" => TxnVerb.Delete,
            "commit" => TxnVerb.Commit,
            "rollback" => TxnVerb.Rollback,
            _ => throw new FormatException($"statement {number} ({text}): unknown command '{words[0]}'; use get, scan, set, delete, commit or rollback"),
        };
        var (least, most, usage) = verb switch
        {
            TxnVerb.Get => (1, 1, "get KEY"),
            TxnVerb.Scan => (1, 2, "scan START [LIMIT]"),
            TxnVerb.Set => (2, 2, "set KEY VALUE"),
            TxnVerb.Delete => (1, 1, "delete KEY"),
            _ => (0, 0, words[0].ToLowerInvariant()),
        };
        var arguments = words.Count - 1;
        if (arguments < least || arguments > most)
        {
            throw new FormatException($"statement {number} ({text}): expected '{usage}'");
        }

        try
        {
            var key = arguments > 0 ? ByteText.Parse(words[1], hex) : [];
            if (verb is TxnVerb.Get or TxnVerb.Set or TxnVerb.Delete && key.Length == 0)
            {
                throw new FormatException("a key must not be empty");
            }

            var value = verb == TxnVerb.Set ? ByteText.Parse(words[2], hex) : [];
            var limit = verb == TxnVerb.Scan && arguments == 2 ? Limit(words[2]) : DefaultScanLimit;
            return new TxnStatement(number, verb, text, key, value, limit);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"statement {number} ({text}): {ex.Message}", ex);
        }
    }

    private static uint Limit(string text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0
            ? limit
            : throw new FormatException($"the scan limit must be a positive whole number, not '{text}'");

    /// <summary>Splits the text into statements, each a non-empty list of words.</summary>
    private static IEnumerable<List<string>> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                i = ReadQuoted(text, i, word);
                inWord = true;
            }
            else if (c == '#')
            {
                while (i + 1 < text.Length && text[i + 1] != '\n')
                {
                    i++;
                }
            }
            else if (c is ';' or '\n' || char.IsWhiteSpace(c))
            {
                EndWord();
                if (c is ';' or '\n' && words.Count > 0)
                {
                    yield return words;
                    words = [];
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        EndWord();
        if (words.Count > 0)
        {
            yield return words;
        }

        void EndWord()
        {
            if (inWord)
            {
                words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
        }
    }

    /// <summary>Reads a quoted word starting at the quote at <paramref name="open"/>; returns the index of the closing quote.</summary>
    private static int ReadQuoted(string text, int open, StringBuilder word)
    {
        for (var i = open + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\' when i + 1 < text.Length && text[i + 1] is '"' or '\\':
                    word.Append(text[++i]);
                    break;
                case '"':
                    return i;
                default:
                    word.Append(text[i]);
                    break;
            }
        }

        throw new FormatException($"a quote opened at character {open + 1} is never closed");
    }

    private static string Quote(string word) =>
        word.Length > 0 && !word.Any(c => char.IsWhiteSpace(c) || c is ';' or '"' or '#') ? word : "\"" + word.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
