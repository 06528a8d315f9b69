namespace TinyKv.TestKit;

/// <summary>
/// A fresh directory under the system temp folder, deleted (with everything in it) on dispose.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "tinykv")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}-{System.IO.Path.GetRandomFileName()}");
        Directory.CreateDirectory(Path);
    }

    private static int s_counter;

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
        catch (IOException)
        {
            // A process we started may still hold a file for a moment; the OS temp cleaner gets it.
        }
    }
}
