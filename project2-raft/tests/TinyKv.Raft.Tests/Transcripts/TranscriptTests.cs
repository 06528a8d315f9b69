using TinyKv.Raft.Testing;

namespace TinyKv.Raft.Tests.Transcripts;

/// <summary>
/// Worked examples: each scenario file of this folder drives RawNodes command by command and
/// holds the output every command must print (each Ready, each delivered message). A file is a
/// test of the milestone its header names (<c># milestone: 2AC</c>): they need RawNode, so they
/// count from 2AC on. <c>TINYKV_REWRITE=1</c> rewrites the files from the reference.
/// </summary>
public sealed class TranscriptTests
{
    [TranscriptScenarios]
    public void Scenario(string file) => Transcript.Verify(file);
}
