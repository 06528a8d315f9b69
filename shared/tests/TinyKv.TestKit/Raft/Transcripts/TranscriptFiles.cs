using System.Runtime.CompilerServices;

namespace TinyKv.Raft.Testing;

/// <summary>Finds scenario files that no test runs, so a new scenario cannot sit outside every milestone.</summary>
public static class TranscriptFiles
{
    /// <summary>
    /// The <c>*.txt</c> files of the <c>Transcripts</c> folder (copied next to the test assembly)
    /// whose name does not appear, quoted, in the calling test's source file.
    /// </summary>
    public static List<string> WithoutTest([CallerFilePath] string callerFile = "")
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Transcripts");
        var files = Directory.GetFiles(folder, "*.txt").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);
        var source = File.ReadAllText(callerFile);
        return [.. files.Where(name => !source.Contains($"\"{name}\"", StringComparison.Ordinal))];
    }
}
