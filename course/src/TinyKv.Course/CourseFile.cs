using System.Text.Json;

namespace TinyKv.Course;

/// <summary>
/// Reads the course's own JSON files (the manifest, the mutant catalog, the hints table): camel
/// case, comments and trailing commas allowed, and a missing, empty or malformed file refused with
/// one line that names it.
/// </summary>
internal static class CourseFile
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The file at <paramref name="path"/> as a <typeparamref name="T"/>.</summary>
    /// <param name="path">The file, as the caller names it in messages.</param>
    /// <param name="what">What the file is, for "the … is empty" (<c>manifest</c>).</param>
    /// <param name="missing">What is said when there is no file (<c>no course manifest here</c>).</param>
    /// <param name="invalid">What is said before the parser's message when it is not JSON of that shape (<c>not a valid manifest</c>).</param>
    /// <param name="refuse">Makes the exception the caller throws from a message.</param>
    public static T Read<T>(string path, string what, string missing, string invalid, Func<string, Exception> refuse)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), s_json) ?? throw refuse($"{path}: the {what} is empty");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw refuse($"{path}: {missing}");
        }
        catch (JsonException ex)
        {
            throw refuse($"{path}: {invalid}: {ex.Message}");
        }
    }
}
