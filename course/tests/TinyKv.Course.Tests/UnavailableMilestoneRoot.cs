using System.Text.Json.Nodes;
using TinyKv.Course.Manifest;
using TinyKv.TestKit;

namespace TinyKv.Course.Tests;

/// <summary>
/// A scratch course root whose manifest is the repository's with one milestone marked not
/// available, for the checks that refuse such a milestone now that every milestone of the real
/// course is available. The available milestones' test projects exist there as empty files, so
/// the manifest loads; nothing in it builds.
/// </summary>
internal sealed class UnavailableMilestoneRoot : IDisposable
{
    private readonly TempDirectory _root = new("tinykv-unavailable");

    public UnavailableMilestoneRoot(string repositoryRoot, string milestoneId)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(repositoryRoot, CourseManifest.RelativePath)), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        foreach (var milestone in manifest["milestones"]!.AsArray())
        {
            if ((string?)milestone!["id"] == milestoneId)
            {
                milestone["available"] = false;
            }
            else
            {
                foreach (var project in milestone["testProjects"]!.AsArray())
                {
                    var path = _root.Combine((string)project!);
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
                    File.WriteAllText(path, "");
                }
            }
        }

        var file = _root.Combine(CourseManifest.RelativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, manifest.ToJsonString());
        Manifest = CourseManifest.LoadFrom(_root.Path);
    }

    /// <summary>The scratch root.</summary>
    public string Path => _root.Path;

    /// <summary>Its manifest, loaded.</summary>
    public CourseManifest Manifest { get; }

    public void Dispose() => _root.Dispose();
}
