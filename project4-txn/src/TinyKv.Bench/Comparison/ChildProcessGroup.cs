namespace TinyKv.Bench.Comparison;

/// <summary>
/// Every process the comparison started. Disposing kills each one by its id; so does the end
/// of this process (normal exit, Ctrl-C, SIGTERM, an unhandled failure), through
/// <see cref="AppDomain.ProcessExit"/>, in case disposal is never reached.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ChildProcessGroup : IDisposable
{
    private readonly List<ChildProcess> _children = [];
    private readonly Lock _guard = new();

    public ChildProcessGroup() => AppDomain.CurrentDomain.ProcessExit += OnProcessExit;

    /// <summary>Starts a process and keeps it for killing.</summary>
    public ChildProcess Start(string name, string fileName, IEnumerable<string> arguments)
    {
        var child = ChildProcess.Start(name, fileName, arguments);
        lock (_guard)
        {
            _children.Add(child);
        }

        return child;
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        KillAll();
    }

    private void OnProcessExit(object? sender, EventArgs e) => KillAll();

    private void KillAll()
    {
        ChildProcess[] children;
        lock (_guard)
        {
            children = [.. _children];
            _children.Clear();
        }

        foreach (var child in children)
        {
            child.Dispose();
        }
    }
}
