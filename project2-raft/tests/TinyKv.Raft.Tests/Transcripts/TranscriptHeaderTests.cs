using FluentAssertions;
using TinyKv.Raft.Testing;
using Xunit;

namespace TinyKv.Raft.Tests.Transcripts;

/// <summary>
/// The header that makes a scenario file a test of a milestone (ungraded: it checks the test
/// kit, not a student's code).
/// </summary>
public sealed class TranscriptHeaderTests
{
    [Theory]
    [InlineData("# milestone: 2AC\n# Three nodes.\nadd-nodes 3\n----\n", "2AC")]
    [InlineData("# A comment first.\r\n# milestone:  3A \r\nadd-nodes 3\r\n----\r\n", "3A")]
    [InlineData("\n# milestone: 2C\n", "2C")]
    public void The_milestone_comes_from_the_comment_lines_before_the_first_command(string text, string milestone) =>
        TranscriptFile.MilestoneOf(text).Should().Be(milestone);

    [Theory]
    [InlineData("# Three nodes.\nadd-nodes 3\n----\n")]
    [InlineData("add-nodes 3\n----\n\n# milestone: 2AC\n")]
    [InlineData("# milestone: 2D\nadd-nodes 3\n----\n")]
    [InlineData("# milestone: 2ac\n")]
    [InlineData("")]
    public void A_file_without_a_known_milestone_before_its_first_command_has_none(string text) =>
        TranscriptFile.MilestoneOf(text).Should().BeNull();

    [Fact]
    public void Every_scenario_file_of_this_folder_names_its_milestone()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, TranscriptScenariosDiscoverer.Folder);
        var files = Directory.GetFiles(folder, "*.txt");

        files.Should().NotBeEmpty();
        files.Where(f => TranscriptFile.MilestoneOf(File.ReadAllText(f)) is null).Should().BeEmpty();
    }

    [Fact]
    public void The_scenario_attribute_names_a_discoverer_xunit_can_load()
    {
        // xunit finds the discoverer by type and assembly name; a wrong name makes every scenario
        // vanish from the listing without an error.
        var discoverer = typeof(TranscriptScenariosAttribute).CustomAttributes
            .Single(a => a.AttributeType == typeof(Xunit.Sdk.XunitTestCaseDiscovererAttribute));
        var typeName = (string)discoverer.ConstructorArguments[0].Value!;
        var assemblyName = (string)discoverer.ConstructorArguments[1].Value!;

        Type.GetType($"{typeName}, {assemblyName}").Should().Be<TranscriptScenariosDiscoverer>();
    }
}
