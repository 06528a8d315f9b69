using FluentAssertions;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary>Writing a results file to disk.</summary>
public sealed class ResultsFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "grader-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void A_results_file_in_a_missing_folder_gets_its_folder_made()
    {
        var path = Path.Combine(_folder, "out", "results.json");

        ResultsFile.Write(path, "{}\n");

        File.ReadAllText(path).Should().Be("{}\n");
    }

    [Fact]
    public void A_results_file_is_utf8_without_a_byte_order_mark()
    {
        var path = Path.Combine(_folder, "results.json");

        ResultsFile.Write(path, "1 › RawGet");

        File.ReadAllBytes(path).Should().Equal(System.Text.Encoding.UTF8.GetBytes("1 › RawGet"));
    }
}
