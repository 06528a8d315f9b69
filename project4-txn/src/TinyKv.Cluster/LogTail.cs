using System.Text;

namespace TinyKv.Cluster;

/// <summary>The end of a process's log, to show with an error.</summary>
public static class LogTail
{
    /// <summary>How many lines an error shows.</summary>
    public const int DefaultLines = 20;

    /// <summary>The last <paramref name="lines"/> lines of <paramref name="path"/> under a heading that names it; a note when it cannot be read.</summary>
    public static string Of(string path, int lines = DefaultLines)
    {
        string[] all;
        try
        {
            all = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"(cannot read {path}: {ex.Message})";
        }

        var text = new StringBuilder();
        text.Append("--- last lines of ").Append(path).Append(" ---");
        foreach (var line in all.TakeLast(lines))
        {
            text.Append('\n').Append(line);
        }

        return all.Length == 0 ? $"({path} is empty)" : text.ToString();
    }

    /// <summary>What was appended to <paramref name="path"/> after byte <paramref name="offset"/> (empty when nothing or unreadable).</summary>
    public static string Since(string path, long offset)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length <= offset)
            {
                return "";
            }

            stream.Seek(offset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The length of <paramref name="path"/> now (0 when it does not exist yet).</summary>
    public static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}
