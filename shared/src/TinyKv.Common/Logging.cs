using Microsoft.Extensions.Logging;

namespace TinyKv;

/// <summary>
/// The one place that decides how TinyKV logs: a console logger, quiet by default
/// (warnings and up), single-line, with scopes so a store id or virtual time set by the
/// caller appears on each line. Hosts pass the factory to the types they build;
/// nothing in the library reaches for a global logger.
/// </summary>
public static class TinyKvLogging
{
    /// <summary>Creates a logger factory writing to standard error at <paramref name="minimumLevel"/>.</summary>
    public static ILoggerFactory CreateFactory(LogLevel minimumLevel = LogLevel.Warning) =>
        LoggerFactory.Create(builder => Configure(builder, minimumLevel));

    /// <summary>Applies TinyKV's console format and level to an existing logging builder.</summary>
    public static ILoggingBuilder Configure(ILoggingBuilder builder, LogLevel minimumLevel)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .ClearProviders()
            .SetMinimumLevel(minimumLevel)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.IncludeScopes = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            })
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>
    /// Parses a level given on a command line (trace, debug, info, warn, error, fatal, none),
    /// accepting the short names operators type as well as <see cref="LogLevel"/> names.
    /// </summary>
    /// <exception cref="ArgumentException">The text names no level.</exception>
    public static LogLevel ParseLevel(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "info" or "information" => LogLevel.Information,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "fatal" or "critical" => LogLevel.Critical,
            "none" or "off" => LogLevel.None,
            _ => throw new ArgumentException(
                $"unknown log level '{text}'; use trace, debug, info, warn, error, fatal or none", nameof(text)),
        };
    }
}
