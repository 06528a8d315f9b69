using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace TinyKv.Server.Tests;

/// <summary>
/// What a load test's clients did to a register per key, to check two things afterwards: no
/// acknowledged write is lost, and no read returns a value older than one acknowledged before
/// the read began. Each key has one writing client, which writes versions 1, 2, 3, … in order,
/// each only after the previous one was acknowledged; so the version a read returns must be at
/// least the key's last acknowledged version when the read started, and at most the last one
/// attempted when it ended. Thread-safe.
/// </summary>
public sealed class LoadHistory
{
    private readonly ConcurrentDictionary<string, Register> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private long _acknowledgedWrites;
    private long _reads;

    /// <summary>Violations found so far (stale reads, lost writes), each described.</summary>
    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Writes acknowledged so far.</summary>
    public long AcknowledgedWrites => Interlocked.Read(ref _acknowledgedWrites);

    /// <summary>Reads checked so far.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>The keys written at least once, with their last acknowledged version.</summary>
    public IReadOnlyList<(string Key, long Version)> Acknowledged =>
        [.. _keys.Where(k => k.Value.Acknowledged > 0).Select(k => (k.Key, k.Value.Acknowledged)).OrderBy(k => k.Key, StringComparer.Ordinal)];

    /// <summary>The value that carries <paramref name="version"/>: the version first, padded to <paramref name="size"/> bytes.</summary>
    public static string Value(long version, int size) =>
        version.ToString("D12", CultureInfo.InvariantCulture).PadRight(size, '.');

    /// <summary>The version a value carries; -1 for a value no client wrote.</summary>
    public static long VersionOf(string value) =>
        value.Length >= 12 && long.TryParse(value.AsSpan(0, 12), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1;

    /// <summary>Called before a write of <paramref name="version"/> of <paramref name="key"/> is sent.</summary>
    public void Attempting(string key, long version) => Of(key).Attempt(version);

    /// <summary>Called when the write of <paramref name="version"/> was acknowledged.</summary>
    public void Acknowledge(string key, long version)
    {
        Of(key).Acknowledge(version);
        Interlocked.Increment(ref _acknowledgedWrites);
    }

    /// <summary>The version a read of <paramref name="key"/> must at least return, taken as the read starts.</summary>
    public long ReadStarts(string key) => _keys.TryGetValue(key, out var register) ? register.Acknowledged : 0;

    /// <summary>Checks what a read of <paramref name="key"/> returned (null: absent) against what was acknowledged when it started.</summary>
    public void ReadEnded(string key, long atLeast, string? value, string when)
    {
        Interlocked.Increment(ref _reads);
        var version = value is null ? 0 : VersionOf(value);
        var attempted = _keys.TryGetValue(key, out var register) ? register.Attempted : 0;
        if (version < atLeast)
        {
            _violations.Enqueue($"{when}: a read of {key} returned version {Show(version)}, but version {atLeast} was acknowledged before the read began");
        }
        else if (version > attempted)
        {
            _violations.Enqueue($"{when}: a read of {key} returned version {Show(version)}, which no client wrote (last attempted {attempted})");
        }
    }

    /// <summary>Everything recorded, in a line.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{AcknowledgedWrites} acknowledged writes to {_keys.Count} keys, {Reads} reads checked, {_violations.Count} violations");
        foreach (var violation in _violations.Take(5))
        {
            text.Append("; ").Append(violation);
        }

        return text.ToString();
    }

    private static string Show(long version) => version switch
    {
        0 => "none (absent)",
        < 0 => "unreadable",
        _ => version.ToString(CultureInfo.InvariantCulture),
    };

    private Register Of(string key) => _keys.GetOrAdd(key, _ => new Register());

    private sealed class Register
    {
        private long _acknowledged;
        private long _attempted;

        public long Acknowledged => Interlocked.Read(ref _acknowledged);

        public long Attempted => Interlocked.Read(ref _attempted);

        public void Attempt(long version) => Raise(ref _attempted, version);

        public void Acknowledge(long version) => Raise(ref _acknowledged, version);

        private static void Raise(ref long field, long version)
        {
            var seen = Interlocked.Read(ref field);
            while (version > seen)
            {
                var was = Interlocked.CompareExchange(ref field, version, seen);
                if (was == seen)
                {
                    return;
                }

                seen = was;
            }
        }
    }
}
