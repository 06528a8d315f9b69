using System.CommandLine;
using TinyKv.Bench;

var root = new RootCommand("tinykv-bench: closed-loop load for TinyKV servers and etcd, and the side-by-side comparison")
{
    new RunCommand().Command,
    EchoServerCommand.Create(),
};

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
