using System.CommandLine;
using System.Globalization;
using System.Net;

namespace TinyKv.Bench;

/// <summary><c>tinykv-bench echo-server</c>: hosts the <see cref="EchoServer"/> until Ctrl-C or SIGTERM.</summary>
public static class EchoServerCommand
{
    public static Command Create()
    {
        var address = new Option<string>("--addr") { Description = "Address to listen on, host:port (port 0 picks a free one)", DefaultValueFactory = _ => "127.0.0.1:0" };
        var command = new Command("echo-server", "Serve RawPut and RawGet with empty answers and no storage, to measure the transport alone") { address };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPEndPoint.TryParse(parse.GetValue(address)!, out var endpoint) || !parse.GetValue(address)!.Contains(':', StringComparison.Ordinal))
            {
                await Console.Error.WriteLineAsync($"tinykv-bench echo-server: '{parse.GetValue(address)}' is not host:port with a numeric IP, e.g. 127.0.0.1:0").ConfigureAwait(false);
                return 2;
            }

            var server = await EchoServer.StartAsync(endpoint, cancellationToken).ConfigureAwait(false);
            await using (server.ConfigureAwait(false))
            {
                // Scripts and the compare command read this line to learn the port.
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tinykv-bench echo-server listening on http://{server.Address}; Ctrl-C stops it"));
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C or SIGTERM: stop serving.
                }
            }

            return 0;
        });
        return command;
    }
}
