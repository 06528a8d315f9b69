using Xunit.Abstractions;
using Xunit.Sdk;

namespace TinyKv.TestKit;

/// <summary>
/// Tags a graded test (or every test of a class) with its milestone, as the xunit trait
/// <c>Milestone=2AB</c>, so <c>dotnet test --filter Milestone=2AB</c> runs one milestone
/// and the grader can count it. An unknown milestone fails test discovery loudly rather than
/// leaving a test outside every milestone.
/// </summary>
[TraitDiscoverer("TinyKv.TestKit.MilestoneDiscoverer", "TinyKv.TestKit")]
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class MilestoneAttribute : Attribute, ITraitAttribute
{
    public MilestoneAttribute(string id)
    {
        if (!Milestones.IsKnown(id))
        {
            throw new ArgumentException($"'{id}' is not a course milestone.", nameof(id));
        }

        Id = id;
    }

    /// <summary>The milestone id, e.g. "1" or "2AB".</summary>
    public string Id { get; }
}

/// <summary>Turns <see cref="MilestoneAttribute"/> into the xunit trait <c>Milestone</c>.</summary>
public sealed class MilestoneDiscoverer : ITraitDiscoverer
{
    /// <summary>The trait name the grader and <c>dotnet test --filter</c> use.</summary>
    public const string TraitName = "Milestone";

    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        ArgumentNullException.ThrowIfNull(traitAttribute);
        var id = traitAttribute.GetConstructorArguments().First() as string
            ?? throw new InvalidOperationException("[Milestone] needs a milestone id.");
        if (!Milestones.IsKnown(id))
        {
            throw new InvalidOperationException($"[Milestone(\"{id}\")]: not a course milestone.");
        }

        yield return new KeyValuePair<string, string>(TraitName, id);
    }
}
