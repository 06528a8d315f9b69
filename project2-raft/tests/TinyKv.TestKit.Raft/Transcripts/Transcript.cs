using System.Runtime.CompilerServices;
using System.Text;
using Xunit.Sdk;

namespace TinyKv.Raft.Testing;

/// <summary>
/// Runs a transcript file and compares what it prints with what the file expects. With
/// <c>TINYKV_REWRITE=1</c> it writes the printed output back into the file instead (for
/// instructors changing the reference; review the diff before committing it).
/// </summary>
public static class Transcript
{
    /// <summary>The environment variable that turns comparing into rewriting.</summary>
    public const string RewriteVariable = "TINYKV_REWRITE";

    /// <summary>
    /// Runs <paramref name="fileName"/> from the <c>Transcripts</c> folder next to the calling
    /// test's source file.
    /// </summary>
    /// <exception cref="XunitException">The output differs from the file: names the command, its line and the first differing line.</exception>
    public static void Verify(string fileName, [CallerFilePath] string callerFile = "")
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var path = Path.Combine(Path.GetDirectoryName(callerFile)!, fileName);
        if (!File.Exists(path))
        {
            // A copy next to the test assembly (a tree moved after it was built).
            path = Path.Combine(AppContext.BaseDirectory, TranscriptScenariosDiscoverer.Folder, fileName);
        }

        var commands = TranscriptFile.Parse(File.ReadAllText(path));
        var runner = new TranscriptRunner();
        var outputs = new List<string>(commands.Count);
        string? failure = null;
        foreach (var command in commands)
        {
            var output = runner.Run(command);
            outputs.Add(output);
            if (failure is null && output != command.Expected)
            {
                failure = Describe(fileName, command, output);
            }
        }

        if (Environment.GetEnvironmentVariable(RewriteVariable) == "1")
        {
            File.WriteAllText(path, TranscriptFile.Format(commands, outputs));
            return;
        }

        if (failure is not null)
        {
            throw new XunitException(failure);
        }
    }

    /// <summary>
    /// Runs commands of the transcript language (one per line, no expected output) with nodes
    /// seeded by <paramref name="seed"/>, and returns everything they print, each command's
    /// output after its text.
    /// </summary>
    /// <exception cref="TranscriptException">A command is unknown or its arguments are wrong.</exception>
    public static string Run(IEnumerable<string> commandLines, int seed)
    {
        ArgumentNullException.ThrowIfNull(commandLines);
        var script = string.Concat(commandLines.Select(line => $"{line}\n{TranscriptFile.Separator}\n\n"));
        var runner = new TranscriptRunner(seed);
        var text = new StringBuilder();
        foreach (var command in TranscriptFile.Parse(script))
        {
            text.Append(command.Text).Append('\n').Append(runner.Run(command)).Append('\n');
        }

        return text.ToString();
    }

    private static string Describe(string fileName, TranscriptCommand command, string actual)
    {
        var expectedLines = command.Expected.Split('\n');
        var actualLines = actual.Split('\n');
        var first = 0;
        while (first < expectedLines.Length && first < actualLines.Length && expectedLines[first] == actualLines[first])
        {
            first++;
        }

        var text = new StringBuilder();
        text.Append($"{fileName}, line {command.Line}: '{command.Text}' printed something else.\n");
        text.Append($"First difference at output line {first + 1}:\n");
        text.Append("  expected: ").Append(first < expectedLines.Length ? expectedLines[first] : "(end of output)").Append('\n');
        text.Append("  actual:   ").Append(first < actualLines.Length ? actualLines[first] : "(end of output)").Append('\n');
        text.Append("Full output of the command:\n").Append(actual).Append('\n');
        text.Append($"(Earlier commands matched. To replay: TINYKV_SEED={TinyKv.TestKit.TestSeed.Value}.)");
        return text.ToString();
    }
}
