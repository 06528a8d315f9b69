using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TinyKv.Grader.Reports;

/// <summary>Writes one indented JSON document, keeping non-ASCII text (test names, messages) readable.</summary>
internal static class JsonText
{
    private static readonly JsonWriterOptions s_options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
