using System.Text;

namespace TinyKv.Raft.Testing;

/// <summary>One command of a transcript and the output it is expected to print.</summary>
/// <param name="Line">The 1-based line of the command in the file.</param>
/// <param name="Name">The command, e.g. <c>process-ready</c>.</param>
/// <param name="Arguments">Positional arguments, in order.</param>
/// <param name="Options">Arguments written <c>key=value</c>.</param>
/// <param name="Text">The command line as written.</param>
/// <param name="Expected">The expected output (no trailing newline).</param>
/// <param name="Comments">Comment lines (starting with <c>#</c>) just before the command, kept on rewrite.</param>
public sealed record TranscriptCommand(
    int Line,
    string Name,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Options,
    string Text,
    string Expected,
    IReadOnlyList<string> Comments);

/// <summary>
/// A transcript file in the data-driven style of etcd-io/raft: a command line, a line
/// <c>----</c>, the output the command prints, then an empty line. Lines starting with
/// <c>#</c> before a command are comments. A file's first comment lines may carry the
/// milestone (<c># milestone: 2AC</c>).
/// </summary>
public static class TranscriptFile
{
    /// <summary>The line between a command and its expected output.</summary>
    public const string Separator = "----";

    /// <summary>
    /// The milestone a transcript's header names: a <c># milestone: ID</c> line among the comment
    /// lines before its first command, if ID is a course milestone; otherwise null.
    /// </summary>
    public static string? MilestoneOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string Prefix = "# milestone:";
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                var id = line[Prefix.Length..].Trim();
                return Milestones.IsKnown(id) ? id : null;
            }

            if (line.Length > 0 && !line.StartsWith('#'))
            {
                return null; // the first command: the header is over
            }
        }

        return null;
    }

    /// <summary>Parses a transcript.</summary>
    /// <exception cref="FormatException">A command has no separator line, naming the line.</exception>
    public static List<TranscriptCommand> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var commands = new List<TranscriptCommand>();
        var comments = new List<string>();
        var i = 0;
        while (i < lines.Length)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                i++;
                continue;
            }

            if (line.StartsWith('#'))
            {
                comments.Add(line);
                i++;
                continue;
            }

            var commandLine = i + 1;
            if (i + 1 >= lines.Length || lines[i + 1] != Separator)
            {
                throw new FormatException($"line {commandLine}: the command '{line}' must be followed by a line '{Separator}'");
            }

            i += 2;
            var expected = new List<string>();
            while (i < lines.Length && lines[i].Length > 0)
            {
                expected.Add(lines[i]);
                i++;
            }

            commands.Add(ParseCommand(commandLine, line, string.Join('\n', expected), comments));
            comments = [];
        }

        return commands;
    }

    /// <summary>Writes commands back with new outputs: the file a rewrite produces.</summary>
    public static string Format(IEnumerable<TranscriptCommand> commands, IReadOnlyList<string> outputs)
    {
        var text = new StringBuilder();
        var index = 0;
        foreach (var command in commands)
        {
            if (index > 0)
            {
                text.Append('\n');
            }

            foreach (var comment in command.Comments)
            {
                text.Append(comment).Append('\n');
            }

            text.Append(command.Text).Append('\n').Append(Separator).Append('\n');
            var output = outputs[index];
            if (output.Length > 0)
            {
                text.Append(output).Append('\n');
            }

            index++;
        }

        return text.ToString();
    }

    private static TranscriptCommand ParseCommand(int line, string text, string expected, List<string> comments)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var arguments = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var word in words.Skip(1))
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                options[word[..equals]] = word[(equals + 1)..];
            }
            else
            {
                arguments.Add(word);
            }
        }

        return new TranscriptCommand(line, words[0], arguments, options, text, expected, comments);
    }
}
