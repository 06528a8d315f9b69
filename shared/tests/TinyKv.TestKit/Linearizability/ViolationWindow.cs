using System.Text;

namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// The explanation of a violation: a small set of operations on one key that no order explains,
/// each shown with its real call and return times. The window was checked on its own and found
/// illegal, and it was shrunk only by steps that keep that proof valid for the whole history (see
/// <see cref="LinearizabilityChecker"/>), so it is a real reason, not an artefact of the shrinking.
/// </summary>
public sealed class ViolationWindow
{
    internal ViolationWindow(
        string key,
        int keyOperationCount,
        int historyOperationCount,
        IReadOnlyList<KvOperation> operations,
        long? linearizableBefore,
        bool minimized)
    {
        Key = key;
        KeyOperationCount = keyOperationCount;
        HistoryOperationCount = historyOperationCount;
        Operations = operations;
        LinearizableBefore = linearizableBefore;
        Minimized = minimized;
    }

    /// <summary>The key whose history is not linearizable.</summary>
    public string Key { get; }

    /// <summary>How many operations the history holds on <see cref="Key"/>.</summary>
    public int KeyOperationCount { get; }

    /// <summary>How many operations the whole history holds.</summary>
    public int HistoryOperationCount { get; }

    /// <summary>The operations of the window, as recorded, by call time.</summary>
    public IReadOnlyList<KvOperation> Operations { get; }

    /// <summary>
    /// The virtual time of the earliest return after which the key's history has no linearization:
    /// the history cut just before it still linearizes. Null when the shrinking could not tell.
    /// </summary>
    public long? LinearizableBefore { get; }

    /// <summary>False when the shrinking ran out of budget and the window is larger than it could be.</summary>
    public bool Minimized { get; }

    /// <summary>The window as text: key, counts, one line per operation, and what is wrong with them.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine($"key \"{Key}\": {KeyOperationCount} operations on this key, {HistoryOperationCount} in the whole history");
        if (LinearizableBefore is { } time)
        {
            text.AppendLine($"the key's history linearizes until the return(s) at {OperationText.Time(time)}; from there on no order explains it");
        }

        var size = Minimized ? "smallest window found" : "window (shrinking ran out of budget)";
        text.AppendLine($"{size}, {Operations.Count} operations by call time:");
        foreach (var line in OperationText.Lines(Operations))
        {
            text.Append("  ").AppendLine(line);
        }

        text.Append($"no order of these {Operations.Count} operations explains what the gets returned ")
            .Append("(each must take effect at one instant between its call and its return; an open one at any time after its call, or never)");
        return text.ToString();
    }
}
