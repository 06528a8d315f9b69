using System.ComponentModel;
using TinyKv.TestKit;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace TinyKv.Raft.Testing;

/// <summary>
/// Runs the test method once for every scenario file (<c>*.txt</c>) of the <c>Transcripts</c>
/// folder copied next to the test assembly, passing the file's name. Each case counts for the
/// milestone the file's header names (<c># milestone: 2AC</c>, the <c>Milestone</c> trait), so a
/// new scenario is a new file and nothing else. A file without a known milestone in its header
/// is a failing case that says so.
/// </summary>
[XunitTestCaseDiscoverer("TinyKv.Raft.Testing.TranscriptScenariosDiscoverer", "TinyKv.TestKit.Raft")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class TranscriptScenariosAttribute : FactAttribute;

/// <summary>Finds the scenario files for <see cref="TranscriptScenariosAttribute"/>.</summary>
public sealed class TranscriptScenariosDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    /// <summary>The folder next to the test assembly that holds the scenario files.</summary>
    public const string Folder = "Transcripts";

    /// <summary>The scenario folder next to the assembly of <paramref name="testMethod"/>.</summary>
    public static string FolderOf(ITestMethod testMethod)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        return Path.Combine(Path.GetDirectoryName(testMethod.TestClass.Class.Assembly.AssemblyPath) ?? ".", Folder);
    }

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(testMethod);
        var display = discoveryOptions.MethodDisplayOrDefault();
        var options = discoveryOptions.MethodDisplayOptionsOrDefault();
        var folder = FolderOf(testMethod);
        var files = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.txt").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
        if (files.Count == 0)
        {
            yield return new ExecutionErrorTestCase(diagnosticMessageSink, display, options, testMethod, $"no scenario files (*.txt) in {folder}");
            yield break;
        }

        foreach (var file in files)
        {
            yield return new TranscriptScenarioCase(diagnosticMessageSink, display, options, testMethod, file);
        }
    }
}

/// <summary>One scenario file as a test case: the method called with the file's name, the file's milestone as its trait.</summary>
public sealed class TranscriptScenarioCase : XunitTestCase
{
    /// <summary>For the deserializer.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public TranscriptScenarioCase()
    {
    }

    public TranscriptScenarioCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod, string file)
        : base(diagnosticMessageSink, display, options, testMethod, [file])
    {
    }

    /// <summary>The milestone the file's header names, or null (then the case fails saying why).</summary>
    public string? Milestone { get; private set; }

    protected override void Initialize()
    {
        base.Initialize();
        var file = (string)TestMethodArguments[0];
        var path = Path.Combine(TranscriptScenariosDiscoverer.FolderOf(TestMethod), file);
        Milestone = File.Exists(path) ? TranscriptFile.MilestoneOf(File.ReadAllText(path)) : null;
        if (Milestone is { } id)
        {
            Traits[MilestoneDiscoverer.TraitName] = [id];
        }
    }

    public override Task<RunSummary> RunAsync(
        IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        ArgumentNullException.ThrowIfNull(aggregator);
        if (Milestone is null)
        {
            // The case fails with this instead of running.
            aggregator.Add(new InvalidOperationException(
                $"{TestMethodArguments[0]}: its first comment lines must name a course milestone ('# milestone: 2AC')"));
        }

        return base.RunAsync(diagnosticMessageSink, messageBus, constructorArguments, aggregator, cancellationTokenSource);
    }
}
