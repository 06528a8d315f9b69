using System.CommandLine;
using TinyKv.Course.Checks;
using TinyKv.Course.Export;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

var root = new Option<string?>("--root") { Description = "The course repository (default: found from the current folder)", Recursive = true };

var verifyMilestones = new Argument<string[]>("milestones") { Description = "Milestones to verify (default: every available one)", Arity = ArgumentArity.ZeroOrMore };
var verify = new Command("verify", "Check that every graded test fails on its own milestone's stubs and passes on the reference") { verifyMilestones };

var destination = new Argument<string>("dir") { Description = "Where the student workbook goes (must not exist, or be empty)" };
var noBuild = new Option<bool>("--no-build") { Description = "Do not build the exported tree" };
var export = new Command("export", "Export the student workbook: reference code stripped, stubs kept, the Edition switch removed") { destination, noBuild };

var manifestCommand = new Command("manifest", "Show the course's milestones");

var command = new RootCommand("tinykv-course: instructor tooling for TinyKV for .NET") { root, verify, export, manifestCommand };

verify.SetAction(parse => Guard(() =>
{
    var repository = RootOf(parse);
    var manifest = CourseManifest.LoadFrom(repository);
    var asked = parse.GetValue(verifyMilestones) ?? [];
    var chosen = asked.Length == 0 ? manifest.Available : [.. asked.Select(manifest.Get)];
    foreach (var unavailable in chosen.Where(m => !m.Available))
    {
        Console.WriteLine($"{unavailable.Id}: not available yet");
    }

    var verdicts = new CourseVerifier(new DotnetTestRunner(repository)).Verify(chosen, v =>
    {
        Console.WriteLine(
            $"{v.Milestone.Id,-4} stubs: {v.StubRun.Passed}/{v.StubRun.Total} passed ({v.StubRun.NotStarted} not started)  " +
            $"reference: {v.ReferenceRun.Passed}/{v.ReferenceRun.Total} passed  {(v.Holds ? "ok" : "DEFECT")}");
        foreach (var defect in v.Defects)
        {
            Console.WriteLine($"     - {defect}");
        }
    });
    var held = verdicts.Count(v => v.Holds);
    Console.WriteLine($"{held} passed, {verdicts.Count - held} failed");
    return verdicts.Count > 0 && held == verdicts.Count ? 0 : 1;
}));

export.SetAction(parse => Guard(() =>
{
    var repository = RootOf(parse);
    var manifest = CourseManifest.LoadFrom(repository);
    var target = Path.GetFullPath(parse.GetValue(destination)!);
    var result = Exporter.Export(new ExportOptions
    {
        SourceRoot = repository,
        Destination = target,
        Exclude = manifest.ExportExclude,
        ScanExempt = manifest.ExportScanExempt,
    });
    Console.WriteLine($"exported {result.FilesCopied} files to {result.Destination} ({result.FilesStripped} stripped of reference code)");
    foreach (var (milestone, count) in result.SlotsRemoved.Where(s => s.Value > 0))
    {
        Console.WriteLine($"  milestone {milestone}: {count} reference blocks removed");
    }

    if (result.DroppedPaths.Count > 0)
    {
        Console.WriteLine($"  left out: {result.DroppedPaths.Count} files under {string.Join(", ", manifest.ExportExclude)}");
    }

    if (parse.GetValue(noBuild))
    {
        return 0;
    }

    Console.WriteLine("building the student workbook …");
    var build = ChildProcess.Run("dotnet", ["build", "-nologo", "-v", "quiet"], target, TimeSpan.FromMinutes(20));
    if (build.ExitCode != 0)
    {
        Console.Error.WriteLine(build.Output);
        Console.Error.WriteLine("tinykv-course: the exported tree does not build");
        return 1;
    }

    Console.WriteLine("the student workbook builds");
    return 0;
}));

manifestCommand.SetAction(parse => Guard(() =>
{
    var manifest = CourseManifest.LoadFrom(RootOf(parse));
    Console.WriteLine(manifest.Title);
    foreach (var m in manifest.Milestones)
    {
        Console.WriteLine($"{m.Id,-4} {m.Title,-52} {m.Points,4} pts  {m.TestTimeLimitSeconds,4} s/test  {(m.Available ? "available" : "not available yet")}");
    }

    return 0;
}));

return command.Parse(args).Invoke();

string RootOf(ParseResult parse) => parse.GetValue(root) ?? CourseManifest.FindRepositoryRoot(Directory.GetCurrentDirectory());

static int Guard(Func<int> action)
{
    try
    {
        return action();
    }
    catch (ManifestException ex)
    {
        Console.Error.WriteLine($"tinykv-course: {ex.Message}");
        return 2;
    }
    catch (ExportFailedException ex)
    {
        Console.Error.WriteLine($"tinykv-course: {ex.Message}");
        return 1;
    }
    catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"tinykv-course: {ex.Message}");
        return 1;
    }
}
