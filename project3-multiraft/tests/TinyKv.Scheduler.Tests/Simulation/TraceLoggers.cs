using Microsoft.Extensions.Logging;
using TinyKv.TestKit.Simulation;

namespace TinyKv.Scheduler.Tests.Simulation;

/// <summary>
/// Loggers that write into the simulator's trace, at virtual time: a failed run's message ends
/// with the scheduler's own account (operators added, finished, timed out, refused) of what
/// happened last.
/// </summary>
internal sealed class TraceLoggers(Simulator sim, LogLevel minimum = LogLevel.Information) : ILoggerFactory, ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new TraceLogger(sim, minimum, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class TraceLogger(Simulator sim, LogLevel minimum, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sim.Record(category, formatter(state, exception));
            }
        }
    }
}
