using TinyKv.Raft.Testing;

namespace TinyKv.MultiRaft.Tests.Transcripts;

/// <summary>
/// Worked examples of 3A: membership change and leader transfer, command by command, with the
/// output every command must print. A file is a test of the milestone its header names.
/// <c>TINYKV_REWRITE=1</c> rewrites the files from the reference.
/// </summary>
public sealed class TranscriptTests
{
    [TranscriptScenarios]
    public void Scenario(string file) => Transcript.Verify(file);
}
