using FluentAssertions;
using TinyKv.Course.Mutants;
using TinyKv.TestKit;

namespace TinyKv.Course.Tests.Mutants;

public sealed class ScratchWorkspaceTests : IDisposable
{
    private const string Peer = "class Peer\n{\n    bool Sync = true;\n}\n";

    private const string Patch = """
        diff --git a/src/Peer.cs b/src/Peer.cs
        --- a/src/Peer.cs
        +++ b/src/Peer.cs
        @@ -1,4 +1,4 @@
         class Peer
         {
        -    bool Sync = true;
        +    bool Sync = false;
         }

        """;

    private readonly TempDirectory _temp = new("tinykv-scratch");

    public ScratchWorkspaceTests()
    {
        Write("repo/src/Peer.cs", Peer);
        Write("repo/src/bin/Debug/Peer.dll", "binary");
        Write("repo/src/obj/project.assets.json", "{}");
        Write("mutant.patch", Patch.ReplaceLineEndings("\n"));
    }

    public void Dispose() => _temp.Dispose();

    [FactNeedingGit]
    public void The_copy_holds_the_sources_without_build_output()
    {
        using var workspace = Create();

        File.ReadAllText(Path.Combine(workspace.Root, "src/Peer.cs")).Should().Be(Peer);
        Directory.Exists(Path.Combine(workspace.Root, "src/bin")).Should().BeFalse();
        Directory.Exists(Path.Combine(workspace.Root, "src/obj")).Should().BeFalse();
    }

    [FactNeedingGit]
    public void Planting_changes_the_copy_only_and_removing_restores_it()
    {
        using var workspace = Create();

        workspace.Plant(_temp.Combine("mutant.patch")).Should().BeNull();
        File.ReadAllText(Path.Combine(workspace.Root, "src/Peer.cs")).Should().Contain("Sync = false");
        File.ReadAllText(_temp.Combine("repo/src/Peer.cs")).Should().Be(Peer);

        workspace.Remove(_temp.Combine("mutant.patch"));
        File.ReadAllText(Path.Combine(workspace.Root, "src/Peer.cs")).Should().Be(Peer);
    }

    [FactNeedingGit]
    public void A_patch_that_does_not_fit_is_refused_with_gits_words_and_changes_nothing()
    {
        Write("repo/src/Peer.cs", "class Peer\n{\n    bool Sync = maybe;\n}\n");
        using var workspace = Create();

        var refusal = workspace.Plant(_temp.Combine("mutant.patch"));

        refusal.Should().Contain("src/Peer.cs");
        File.ReadAllText(Path.Combine(workspace.Root, "src/Peer.cs")).Should().Contain("maybe");
    }

    [FactNeedingGit]
    public void Disposing_deletes_the_copy()
    {
        var workspace = Create();

        workspace.Dispose();

        Directory.Exists(workspace.Root).Should().BeFalse();
    }

    private ScratchWorkspace Create() => ScratchWorkspace.Create(_temp.Combine("repo"), _temp.Path);

    private void Write(string relativePath, string text)
    {
        var path = _temp.Combine(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
