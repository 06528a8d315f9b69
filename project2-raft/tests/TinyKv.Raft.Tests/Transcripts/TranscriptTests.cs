using FluentAssertions;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.Transcripts;

/// <summary>
/// Worked examples: each scenario file drives RawNodes command by command and holds the
/// output every command must print (each Ready, each delivered message). They need RawNode,
/// so they count from 2AC on. <c>TINYKV_REWRITE=1</c> rewrites the files from the reference.
/// </summary>
public sealed class TranscriptTests
{
    [Fact]
    [Milestone("2AC")]
    public void Election() => Transcript.Verify("election.txt");

    [Fact]
    [Milestone("2AC")]
    public void Split_vote() => Transcript.Verify("split-vote.txt");

    [Fact]
    [Milestone("2AC")]
    public void Replication() => Transcript.Verify("replication.txt");

    [Fact]
    [Milestone("2AC")]
    public void Replication_with_drops() => Transcript.Verify("replication-with-drops.txt");

    [Fact]
    [Milestone("2AC")]
    public void Partitioned_leader() => Transcript.Verify("partitioned-leader.txt");

    [Fact]
    [Milestone("2AC")]
    public void Log_conflict() => Transcript.Verify("log-conflict.txt");

    [Fact]
    [Milestone("2AC")]
    public void New_leader_commits_with_its_noop() => Transcript.Verify("new-leader-commits-with-noop.txt");

    [Fact]
    [Milestone("2C")]
    public void Snapshot_to_lagging_follower() => Transcript.Verify("snapshot-to-lagging-follower.txt");

    [Fact]
    public void Every_scenario_file_has_a_test() =>
        TranscriptFiles.WithoutTest().Should().BeEmpty("every scenario in Transcripts/ needs a test that runs it");
}
