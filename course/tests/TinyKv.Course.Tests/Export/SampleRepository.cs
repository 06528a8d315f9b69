using TinyKv.Course.Export;
using TinyKv.TestKit;

namespace TinyKv.Course.Tests.Export;

/// <summary>
/// A small reference repository in a temp folder (not a git work tree unless asked), with a
/// Directory.Build.props carrying an edition block, a solution with a src and a tests project,
/// two C# files with slots and an executable CI script. <see cref="Destination"/> is a sibling.
/// </summary>
internal sealed class SampleRepository : IDisposable
{
    public const string BuildProps = """
        <Project>
          <PropertyGroup>
            <Nullable>enable</Nullable>
          </PropertyGroup>

          <!-- edition:begin
               The Edition switch, which the export removes. -->
          <PropertyGroup>
            <DefineConstants>$(DefineConstants);TINYKV_REF_1;TINYKV_REF_2AA</DefineConstants>
          </PropertyGroup>
          <!-- edition:end -->

          <PropertyGroup Condition="'$(TinyKvStubs)' != 'false'">
            <NoWarn>$(NoWarn);IDE0051</NoWarn>
          </PropertyGroup>
        </Project>

        """;

    public const string Solution = """
        <Solution>
          <Folder Name="/src/">
            <Project Path="src/App/App.csproj" />
          </Folder>
          <Folder Name="/tests/">
            <Project Path="tests/App.Tests/App.Tests.csproj" />
          </Folder>
        </Solution>

        """;

    private readonly TempDirectory _temp = new("tinykv-export");

    public SampleRepository()
    {
        Directory.CreateDirectory(Root);
        Write("Directory.Build.props", BuildProps);
        Write("Sample.slnx", Solution);
        Write("README.md", "# Sample\n");
        Write("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
        Copy("method-slot.cs.txt", "src/App/ElectionTimer.cs");
        Copy("member-block.cs.txt", "src/App/Storage.cs");
        Write("tests/App.Tests/App.Tests.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
        Write("tests/App.Tests/TimerTests.cs", "namespace Sample.Tests;\n");
        Write(".ci/run", "#!/bin/sh\necho ok\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(Root, ".ci/run"), (UnixFileMode)0b111_101_101); // rwxr-xr-x
        }
    }

    /// <summary>The repository root.</summary>
    public string Root => _temp.Combine("repo");

    /// <summary>A destination beside the repository that does not exist yet.</summary>
    public string Destination => _temp.Combine("student");

    /// <summary>The folder holding both the repository and the destination.</summary>
    public string Parent => _temp.Path;

    /// <summary>Writes a file of the repository (parents created).</summary>
    public void Write(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>Copies one of the stripper's inputs into the repository.</summary>
    public void Copy(string input, string relativePath) => Write(relativePath, InputFiles.Read(input));

    /// <summary>Options exporting this repository to <see cref="Destination"/>.</summary>
    public ExportOptions Options(params string[] exclude) =>
        new() { SourceRoot = Root, Destination = Destination, Exclude = exclude };

    /// <summary>A file of the exported tree.</summary>
    public string Exported(string relativePath) => File.ReadAllText(Path.Combine(Destination, relativePath));

    public void Dispose() => _temp.Dispose();
}
