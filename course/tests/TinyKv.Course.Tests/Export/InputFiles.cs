using System.Runtime.CompilerServices;

namespace TinyKv.Course.Tests.Export;

/// <summary>
/// The stripper's sample inputs in <c>Export/Inputs</c>, read straight from the source tree.
/// They end in <c>.cs.txt</c> so that neither the compiler nor a real export ever treats them as code.
/// </summary>
internal static class InputFiles
{
    /// <summary>The full path of an input, e.g. <c>"method-slot.cs.txt"</c> or <c>"Errors/elif.cs.txt"</c>.</summary>
    public static string PathOf(string name) => Path.Combine(Folder(), name);

    /// <summary>The text of an input.</summary>
    public static string Read(string name) => File.ReadAllText(PathOf(name));

    private static string Folder([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Inputs");
}
