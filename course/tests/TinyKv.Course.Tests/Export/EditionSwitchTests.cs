using FluentAssertions;
using TinyKv.Course.Export;
using Xunit;

namespace TinyKv.Course.Tests.Export;

public sealed class EditionSwitchTests
{
    private const string Props = """
        <Project>
          <PropertyGroup>
            <Nullable>enable</Nullable>
          </PropertyGroup>

          <!-- edition:begin
               The switch. -->
          <PropertyGroup>
            <Edition Condition="'$(Edition)' == ''">Reference</Edition>
          </PropertyGroup>
          <!-- edition:end -->

          <PropertyGroup Condition="'$(TinyKvStubs)' != 'false'">
            <NoWarn>$(NoWarn);IDE0051</NoWarn>
          </PropertyGroup>
        </Project>

        """;

    [Fact]
    public void Edition_block_and_one_of_the_blank_lines_around_it_are_removed()
    {
        var result = EditionSwitch.Remove("Directory.Build.props", Props);

        result.Text.Should().Be("""
            <Project>
              <PropertyGroup>
                <Nullable>enable</Nullable>
              </PropertyGroup>

              <PropertyGroup Condition="'$(TinyKvStubs)' != 'false'">
                <NoWarn>$(NoWarn);IDE0051</NoWarn>
              </PropertyGroup>
            </Project>

            """);
    }

    [Fact]
    public void Crlf_line_endings_are_kept()
    {
        var result = EditionSwitch.Remove("Directory.Build.props", Props.ReplaceLineEndings("\r\n"));

        result.Text!.Replace("\r\n", "", StringComparison.Ordinal).Should().NotContain("\n");
    }

    [Fact]
    public void Props_without_markers_are_refused()
    {
        var result = EditionSwitch.Remove("Directory.Build.props", "<Project>\n</Project>\n");

        result.Errors.Should().ContainSingle()
            .Which.ToString().Should().StartWith("Directory.Build.props: no edition block");
    }

    [Fact]
    public void Begin_marker_without_end_is_refused_at_its_line()
    {
        var text = Props.Replace("  <!-- edition:end -->\n", "", StringComparison.Ordinal);

        var result = EditionSwitch.Remove("Directory.Build.props", text);

        result.Errors.Should().ContainSingle()
            .Which.ToString().Should().Be("Directory.Build.props:6: the edition block opened here has no '<!-- edition:end -->' line");
    }

    [Fact]
    public void End_marker_without_begin_is_refused_at_its_line()
    {
        var text = "<Project>\n  <!-- edition:end -->\n</Project>\n";

        var result = EditionSwitch.Remove("Directory.Build.props", text);

        result.Errors.Should().ContainSingle()
            .Which.ToString().Should().Be("Directory.Build.props:2: '<!-- edition:end -->' with no '<!-- edition:begin' before it");
    }
}
