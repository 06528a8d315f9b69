using FluentAssertions;
using Microsoft.Extensions.Logging;
using Xunit;

namespace TinyKv.Common.Tests;

public sealed class TinyKvLoggingTests
{
    [Theory]
    [InlineData("trace", LogLevel.Trace)]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("Information", LogLevel.Information)]
    [InlineData("WARN", LogLevel.Warning)]
    [InlineData("warning", LogLevel.Warning)]
    [InlineData("error", LogLevel.Error)]
    [InlineData("fatal", LogLevel.Critical)]
    [InlineData("critical", LogLevel.Critical)]
    [InlineData("none", LogLevel.None)]
    [InlineData("off", LogLevel.None)]
    [InlineData(" debug ", LogLevel.Debug)]
    public void ParseLevel_reads_operator_and_framework_names(string text, LogLevel level) =>
        TinyKvLogging.ParseLevel(text).Should().Be(level);

    [Theory]
    [InlineData("loud")]
    [InlineData("")]
    public void ParseLevel_refuses_an_unknown_name_and_lists_the_choices(string text)
    {
        var act = () => TinyKvLogging.ParseLevel(text);

        act.Should().Throw<ArgumentException>().WithMessage($"*'{text}'*trace, debug, info, warn, error, fatal or none*");
    }
}
