using TinyKv.Course.Running;

namespace TinyKv.Grader.Seeds;

/// <summary>
/// Finds the one test a <c>grader replay</c> names: a test whose display name or short name
/// (<c>Class.Method</c>) is the name given wins; otherwise the name given may be any part of the
/// display name (which holds the namespace, so a fully qualified name or a part of it works too).
/// Case does not matter.
/// </summary>
public static class TestMatch
{
    /// <summary>The one test of <paramref name="tests"/> that <paramref name="name"/> names.</summary>
    /// <exception cref="UsageException">No test matches, or several do (the message lists them).</exception>
    public static ListedTest Find(IReadOnlyList<ListedTest> tests, string name)
    {
        ArgumentNullException.ThrowIfNull(tests);
        ArgumentNullException.ThrowIfNull(name);
        var wanted = name.Trim();
        if (wanted.Length == 0)
        {
            throw new UsageException("name the test to replay");
        }

        var exact = tests.Where(t => Same(t.DisplayName, wanted) || Same(t.Name, wanted)).ToList();
        var matches = exact.Count > 0 ? exact : [.. tests.Where(t => t.DisplayName.Contains(wanted, StringComparison.OrdinalIgnoreCase))];
        return matches switch
        {
            [var one] => one,
            [] when tests.Count == 0 => throw new UsageException("no test of the available milestones is simulated ([Simulated]), so there is nothing to replay"),
            [] => throw new UsageException($"no simulated test matches '{wanted}'; the simulated tests are:{Listed(tests, t => t.Name)}"),
            _ => throw new UsageException($"'{wanted}' matches {matches.Count} simulated tests; name one of them:{Listed(matches, t => t.DisplayName)}"),
        };
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string Listed(IEnumerable<ListedTest> tests, Func<ListedTest, string> name) =>
        string.Concat(tests.Select(t => $"\n  {name(t)}"));
}
