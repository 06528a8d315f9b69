using System.Globalization;
using System.Runtime.InteropServices;

namespace TinyKv.Bench.Comparison;

/// <summary>The machine a comparison ran on, as a benchmark page records it.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, string Memory, string OperatingSystem, string DotNet, string Etcd)
{
    /// <summary>Reads this machine: cores, /proc/cpuinfo's model, /proc/meminfo's total, /etc/os-release, the runtime, <c>etcd --version</c>.</summary>
    public static MachineInfo Read(string etcdBinary)
    {
        var model = FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memory = FirstValue("/proc/meminfo", "MemTotal") is { } total
            && long.TryParse(total.Replace("kB", "", StringComparison.Ordinal).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kib)
            ? string.Create(CultureInfo.InvariantCulture, $"{kib / 1024.0 / 1024.0:0.0} GiB")
            : "unknown";
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
        return new MachineInfo(
            Environment.ProcessorCount,
            model,
            memory,
            $"{os ?? RuntimeInformation.OSDescription}, kernel {Environment.OSVersion.Version}",
            RuntimeInformation.FrameworkDescription,
            EtcdCluster.Version(etcdBinary));
    }

    private static string? FirstValue(string file, string name)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        foreach (var line in File.ReadLines(file))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == name)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
