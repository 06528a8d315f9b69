using System.CommandLine;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader;
using TinyKv.Grader.Reports;

var milestones = new Argument<string[]>("milestones") { Description = "Milestones to grade (default: every available one)", Arity = ArgumentArity.ZeroOrMore };
var edition = new Option<string?>("--edition") { Description = "Build the reference or the student edition (default: the tree as it is)" };
var through = new Option<string?>("--reference-through") { Description = "Compile the reference of every milestone up to and including this one" };
var format = new Option<string>("--format") { Description = "Results format: table, json, gradescope or junit", DefaultValueFactory = _ => "table" };
var outFile = new Option<string?>("--out") { Description = "Results file (default: results.json for gradescope, grader-results.json / .xml for json / junit)" };
var root = new Option<string?>("--root") { Description = "The course repository (default: found from the current folder)", Recursive = true };

var list = new Command("list", "List the course's milestones");
var command = new RootCommand("grader: builds an edition of the course, runs each milestone's graded tests and scores them")
{
    milestones, edition, through, format, outFile, root, list,
};

list.SetAction(parse => Guard(() =>
{
    var manifest = CourseManifest.LoadFrom(RootOf(parse));
    Console.WriteLine($"{"id",-4} {"title",-52} {"stage",5} {"points",6} {"limit",6}  status");
    foreach (var m in manifest.Milestones)
    {
        Console.WriteLine($"{m.Id,-4} {m.Title,-52} {m.Stage,5} {m.Points,6} {m.TestTimeLimitSeconds + " s",6}  {(m.Available ? "available" : "not available yet")}");
    }

    return 0;
}));

command.SetAction(parse => Guard(() =>
{
    var repository = RootOf(parse);
    var manifest = CourseManifest.LoadFrom(repository);
    var request = new GradeRequest(
        parse.GetValue(milestones) ?? [],
        Settings(parse.GetValue(edition), parse.GetValue(through)),
        Reports.Parse(parse.GetValue(format)!),
        parse.GetValue(outFile));
    IGradingProgress progress = Console.IsOutputRedirected ? new PlainProgress(Console.Out) : new TerminalProgress();
    var session = new GradingSession(manifest.Milestones, new DotnetTestRunner(repository), Console.Out, TimeProvider.System, progress);
    return session.Run(request);
}));

return command.Parse(args).Invoke();

string RootOf(ParseResult parse) => parse.GetValue(root) ?? CourseManifest.FindRepositoryRoot(Directory.GetCurrentDirectory());

static BuildSettings Settings(string? edition, string? through)
{
    var normalized = edition?.ToLowerInvariant() switch
    {
        null => null,
        "reference" => "Reference",
        "student" => "Student",
        _ => throw new UsageException($"unknown edition '{edition}'; use reference or student"),
    };
    if (through is not null && !TinyKv.Milestones.IsKnown(through))
    {
        throw new UsageException($"--reference-through must be a milestone ({string.Join(", ", TinyKv.Milestones.All)}), not '{through}'");
    }

    return new BuildSettings(normalized ?? (through is null ? null : "Student"), through);
}

static int Guard(Func<int> action)
{
    try
    {
        return action();
    }
    catch (Exception ex) when (ex is UsageException or ArgumentException)
    {
        Console.Error.WriteLine($"grader: {ex.Message}");
        return 2;
    }
    catch (ManifestException ex)
    {
        Console.Error.WriteLine($"grader: {ex.Message}");
        return 1;
    }
}
