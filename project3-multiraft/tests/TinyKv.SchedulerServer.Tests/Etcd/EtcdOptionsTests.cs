using FluentAssertions;
using TinyKv.TestKit.Etcd;
using Xunit;

namespace TinyKv.SchedulerServer.Tests.Etcd;

/// <summary>The <c>--etcd</c> flag: endpoints parsed, bad ones and an etcd that does not answer refused with one clear line.</summary>
public sealed class EtcdOptionsTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    [Fact]
    public void Endpoints_are_a_comma_separated_list_of_http_urls()
    {
        SchedulerServerOptions.ParseEtcdEndpoints("http://127.0.0.1:2379, http://localhost:22379")
            .Select(u => u.ToString()).Should().Equal("http://127.0.0.1:2379/", "http://localhost:22379/");
    }

    [Theory]
    [InlineData("127.0.0.1:2379")]
    [InlineData("http://127.0.0.1")]
    [InlineData("https://127.0.0.1:2379")]
    [InlineData("http://127.0.0.1:2379/v3")]
    [InlineData("http://127.0.0.1:2379,nowhere")]
    [InlineData(" , ")]
    public void A_malformed_endpoint_is_refused(string endpoints)
    {
        var parse = () => SchedulerServerOptions.ParseEtcdEndpoints(endpoints);

        parse.Should().Throw<FormatException>().WithMessage("--etcd*");
    }

    [Fact]
    public async Task The_program_refuses_a_malformed_etcd_url_with_exit_code_2_and_one_line()
    {
        using var data = new TinyKv.TestKit.TempDirectory("tinyscheduler-etcd-options");
        using var process = SchedulerProcess.Run("--addr", "127.0.0.1:0", "--data-dir", data.Combine("data"), "--etcd", "127.0.0.1:2379");

        var code = await process.WaitForExitAsync(s_limit);

        code.Should().Be(2);
        process.Output.Trim().Should().Be("tinyscheduler-server: --etcd: '127.0.0.1:2379' is not an etcd client URL of the form http://host:port (e.g. http://127.0.0.1:2379)");
    }

    [Fact]
    public async Task The_program_exits_with_code_1_and_one_line_when_etcd_does_not_answer()
    {
        using var data = new TinyKv.TestKit.TempDirectory("tinyscheduler-etcd-options");
        var silent = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";
        using var process = SchedulerProcess.Run("--addr", "127.0.0.1:0", "--data-dir", data.Combine("data"), "--etcd", silent, "--log-level", "none");

        var code = await process.WaitForExitAsync(s_limit);

        code.Should().Be(1);
        process.Output.Trim().Should().StartWith($"tinyscheduler-server: cannot start: etcd at {silent} did not answer within 5 s").And.NotContain("\n");
    }
}
