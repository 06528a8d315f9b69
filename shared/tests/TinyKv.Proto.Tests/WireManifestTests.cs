using FluentAssertions;
using Xunit;

namespace TinyKv.Proto.Tests;

/// <summary>
/// Pins the whole wire protocol to a golden file (__snapshots__). Field numbers, types and rpc
/// signatures were checked once against the original course's .proto files; from then on any
/// change to what goes on the wire shows up as a diff here. If a change is intended, delete the
/// snapshot, rerun, and review the new file line by line.
/// </summary>
public sealed class WireManifestTests
{
    [Fact]
    public void Wire_manifest_matches_the_golden_file()
    {
        var manifest = WireManifest.Render();

        Snapshooter.Xunit.Snapshot.Match(manifest);
    }

    [Fact]
    public void Manifest_covers_all_eight_packages_of_the_protocol()
    {
        var packages = WireManifest.Files.Select(file => file.Package);

        packages.Should().BeEquivalentTo(
            "eraftpb", "errorpb", "kvrpcpb", "metapb", "raft_cmdpb", "raft_serverpb", "schedulerpb", "tinykvpb");
    }
}
