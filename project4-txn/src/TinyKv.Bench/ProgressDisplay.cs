using System.Globalization;
using Spectre.Console;

namespace TinyKv.Bench;

/// <summary>
/// Shows how a run goes while it runs: a live progress line on a terminal, a plain line every
/// two seconds on standard error when output is redirected (a log, a script).
/// </summary>
public static class ProgressDisplay
{
    /// <summary>Runs <paramref name="runner"/> and reports its progress until it ends.</summary>
    public static async Task<RunResult> RunAsync(LoadRunner runner, BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        var run = runner.RunAsync(cancellationToken);
        if (!Console.IsOutputRedirected && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            await AnsiConsole.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("starting", maxValue: 1);
                    while (!run.IsCompleted)
                    {
                        task.Description = Describe(runner);
                        task.Value = runner.Progress;
                        await Task.WhenAny(run, Task.Delay(250, CancellationToken.None)).ConfigureAwait(false);
                    }

                    task.Value = task.MaxValue;
                }).ConfigureAwait(false);
        }
        else
        {
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(2000, CancellationToken.None)).ConfigureAwait(false);
                if (!run.IsCompleted)
                {
                    await Console.Error.WriteLineAsync(Describe(runner)).ConfigureAwait(false);
                }
            }
        }

        return await run.ConfigureAwait(false);
    }

    private static string Describe(LoadRunner runner) =>
        string.Create(CultureInfo.InvariantCulture, $"{runner.Phase}: {runner.Completed} ops, {runner.FailedSoFar} errors");
}
