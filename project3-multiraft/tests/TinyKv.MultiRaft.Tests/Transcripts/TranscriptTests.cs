using FluentAssertions;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.MultiRaft.Tests.Transcripts;

/// <summary>
/// Worked examples of 3A: membership change and leader transfer, command by command, with
/// the output every command must print. <c>TINYKV_REWRITE=1</c> rewrites the files from the reference.
/// </summary>
public sealed class TranscriptTests
{
    [Fact]
    [Milestone("3A")]
    public void Add_node() => Transcript.Verify("add-node.txt");

    [Fact]
    [Milestone("3A")]
    public void Remove_node() => Transcript.Verify("remove-node.txt");

    [Fact]
    [Milestone("3A")]
    public void One_conf_change_at_a_time() => Transcript.Verify("one-conf-change-at-a-time.txt");

    [Fact]
    [Milestone("3A")]
    public void Leader_transfer() => Transcript.Verify("leader-transfer.txt");

    [Fact]
    [Milestone("3A")]
    public void Leader_transfer_to_lagging_follower() => Transcript.Verify("leader-transfer-to-lagging-follower.txt");

    [Fact]
    public void Every_scenario_file_has_a_test() =>
        TranscriptFiles.WithoutTest().Should().BeEmpty("every scenario in Transcripts/ needs a test that runs it");
}
