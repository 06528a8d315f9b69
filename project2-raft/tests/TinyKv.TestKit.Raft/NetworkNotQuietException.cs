using System.Text;
using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft.Testing;

/// <summary>
/// The test network delivered its limit of messages for one send and the nodes were still
/// answering each other: an exchange that, with a correct node, would have ended. The message
/// shows the last messages delivered and where the 2A handout explains the usual causes.
/// </summary>
public sealed class NetworkNotQuietException : Exception
{
    /// <summary>How many of the last messages delivered the message shows.</summary>
    public const int Shown = 12;

    public NetworkNotQuietException()
        : base("the test network did not go quiet")
    {
    }

    public NetworkNotQuietException(string message)
        : base(message)
    {
    }

    public NetworkNotQuietException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal NetworkNotQuietException(int delivered, IEnumerable<Message> last, int pending)
        : base(Describe(delivered, last, pending))
    {
    }

    private static string Describe(int delivered, IEnumerable<Message> last, int pending)
    {
        var text = new StringBuilder();
        text.Append("the test network did not go quiet: one Send delivered ").Append(delivered)
            .Append(" messages and ").Append(pending).AppendLine(" were still waiting. The last delivered, oldest first:");
        foreach (var m in last)
        {
            text.Append("  ").Append(m.MsgType).Append(' ').Append(m.From).Append("->").Append(m.To)
                .Append(" term ").Append(m.Term).Append(" logTerm ").Append(m.LogTerm).Append(" index ").Append(m.Index)
                .Append(" commit ").Append(m.Commit).Append(" entries ").Append(m.Entries.Count)
                .Append(m.Reject ? " reject" : string.Empty).AppendLine();
        }

        text.Append("A correct node lets an exchange end. Usually one answers what it should ignore or retries what cannot succeed: ")
            .Append("a message of a stale term handled instead of dropped, a vote granted twice in one term, ")
            .Append("a refused append retried at the same index, a response answered with another request. ")
            .Append("See the 2A handout, \"Hints and traps\" (docs/stage2a.md#hints-and-traps).");
        return text.ToString();
    }
}
