using System.CommandLine;
using TinyKv.Bench;
using TinyKv.Bench.Comparison;

var root = new RootCommand("tinykv-bench: closed-loop load for TinyKV servers and etcd, and the side-by-side comparison")
{
    new RunCommand().Command,
    EchoServerCommand.Create(),
    CompareCommand.Create(),
};

// On Ctrl-C or SIGTERM the action is cancelled: a comparison then stops the servers it started
// (by process id) before returning. Give it time to; the default is 2 s.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) };
return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
