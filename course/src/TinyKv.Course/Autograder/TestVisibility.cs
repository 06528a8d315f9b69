namespace TinyKv.Course.Autograder;

/// <summary>
/// When Gradescope shows students a test of a results file (the <c>visibility</c> of the file and
/// of each test). The score itself follows the assignment's own setting on Gradescope.
/// </summary>
public enum GradescopeVisibility
{
    /// <summary>Once the instructor publishes the grades (the default: keep it the first value).</summary>
    AfterPublished,

    /// <summary>As soon as the autograder finishes.</summary>
    Visible,

    /// <summary>Once the assignment's due date has passed.</summary>
    AfterDueDate,

    /// <summary>Never: only instructors see the tests.</summary>
    Hidden,
}

/// <summary>
/// When students see the graded tests on Gradescope: one visibility for every test, and the
/// milestones whose tests differ from it. Written as <c>--visibility</c> values: <c>WHEN</c> for
/// every test, <c>MILESTONE=WHEN</c> for one milestone's (<c>visible 4C=after_due_date</c> shows
/// every test at once except 4C's, which wait for the due date).
/// </summary>
public sealed class TestVisibility
{
    private static readonly (GradescopeVisibility Value, string Name)[] Names =
    [
        (GradescopeVisibility.AfterPublished, "after_published"),
        (GradescopeVisibility.Visible, "visible"),
        (GradescopeVisibility.AfterDueDate, "after_due_date"),
        (GradescopeVisibility.Hidden, "hidden"),
    ];

    private TestVisibility(GradescopeVisibility every, IReadOnlyList<(string Milestone, GradescopeVisibility Value)> milestones)
    {
        Default = every;
        Milestones = milestones;
    }

    /// <summary>Every test once grades are published: what Gradescope shows when nothing is chosen.</summary>
    public static TestVisibility AfterPublished { get; } = new(GradescopeVisibility.AfterPublished, []);

    /// <summary>The visibility of every test whose milestone is not in <see cref="Milestones"/>.</summary>
    public GradescopeVisibility Default { get; }

    /// <summary>The milestones whose tests have a visibility of their own, in the order given.</summary>
    public IReadOnlyList<(string Milestone, GradescopeVisibility Value)> Milestones { get; }

    /// <summary>
    /// Reads <c>--visibility</c> values: at most one <c>WHEN</c> (every test's; after_published when
    /// none) and any number of <c>MILESTONE=WHEN</c>, each milestone once. Milestone ids are
    /// upper-cased; with <paramref name="milestones"/> given, an id outside it is refused.
    /// </summary>
    /// <exception cref="ArgumentException">A value is not a visibility, a milestone is unknown or given twice, or WHEN is given twice.</exception>
    public static TestVisibility Parse(IEnumerable<string> values, IReadOnlyCollection<string>? milestones = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        GradescopeVisibility? every = null;
        var own = new List<(string Milestone, GradescopeVisibility Value)>();
        foreach (var value in values.Select(v => v.Trim()).Where(v => v.Length > 0))
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                every = every is null
                    ? ParseOne(value)
                    : throw new ArgumentException($"the visibility of every test is given twice ('{NameOf(every.Value)}' and '{value}'); give it once, and MILESTONE=WHEN for a milestone's own");
                continue;
            }

            var milestone = value[..equals].Trim().ToUpperInvariant();
            if (milestones is not null && !milestones.Contains(milestone, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{value[..equals].Trim()}' in visibility '{value}' is not a milestone; use one of {string.Join(", ", milestones)}");
            }

            if (own.Any(o => o.Milestone == milestone))
            {
                throw new ArgumentException($"the visibility of milestone {milestone} is given twice; give it once");
            }

            own.Add((milestone, ParseOne(value[(equals + 1)..])));
        }

        return new TestVisibility(every ?? GradescopeVisibility.AfterPublished, own);
    }

    /// <summary>Parses one visibility name: visible, after_published, after_due_date or hidden.</summary>
    /// <exception cref="ArgumentException">Not one of them.</exception>
    private static GradescopeVisibility ParseOne(string text)
    {
        var name = text?.Trim().ToLowerInvariant();
        foreach (var (value, known) in Names)
        {
            if (known == name)
            {
                return value;
            }
        }

        throw new ArgumentException($"unknown visibility '{text}'; use {string.Join(", ", Names.Select(n => n.Name))}");
    }

    /// <summary>The value as Gradescope's results.json spells it.</summary>
    public static string NameOf(GradescopeVisibility visibility) => Names.First(n => n.Value == visibility).Name;

    /// <summary>The visibility of the tests of <paramref name="milestone"/>.</summary>
    public GradescopeVisibility For(string milestone)
    {
        foreach (var (id, value) in Milestones)
        {
            if (string.Equals(id, milestone, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return Default;
    }

    /// <summary>The <c>--visibility</c> values that <see cref="Parse"/> reads back into this: every test's first.</summary>
    public IReadOnlyList<string> Values() => [NameOf(Default), .. Milestones.Select(m => $"{m.Milestone}={NameOf(m.Value)}")];

    /// <summary>For people: "after due date", or "visible (4C after due date)".</summary>
    public override string ToString()
    {
        var every = Spoken(Default);
        return Milestones.Count == 0
            ? every
            : $"{every} ({string.Join(", ", Milestones.Select(m => $"{m.Milestone} {Spoken(m.Value)}"))})";

        static string Spoken(GradescopeVisibility value) => NameOf(value).Replace('_', ' ');
    }
}
