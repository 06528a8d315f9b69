using System.CommandLine;
using TinyKv.Course.Export;
using TinyKv.Course.Manifest;
using TinyKv.Course.Mutants;

namespace TinyKv.Course.Cli;

/// <summary>
/// The command line of <c>tinykv-course</c>: <c>verify</c>, <c>export</c>, <c>manifest</c>, <c>mutants</c> and <c>autograder</c>.
/// An expected error prints one line and exits with 2 (usage) or 1 (failure); no stack traces.
/// </summary>
public static class CourseCommandLine
{
    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, CourseConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var parse = Create(console).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                console.Error.WriteLine($"tinykv-course: {error.Message}");
            }

            console.Error.WriteLine("tinykv-course --help shows the usage");
            return ExitCodes.Usage;
        }

        return parse.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error });
    }

    /// <summary>The command tree, its actions bound to <paramref name="console"/>.</summary>
    public static RootCommand Create(CourseConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var root = new Option<string?>("--root")
        {
            Description = "The course repository (default: found from the current folder)",
            HelpName = "dir",
            Recursive = true,
        };

        var milestones = new Argument<string[]>("milestones")
        {
            Description = "Milestones to verify, e.g. 1 2AA (default: every available one)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var skipReference = new Option<bool>("--skip-reference")
        {
            Description = "Leave out the full reference build and its runs, when the reference has just been graded on its own (grader --edition reference, as CI does)",
        };
        var verify = new Command("verify", "Check that every graded test fails on its own milestone's stubs and passes on the reference") { milestones, skipReference };
        verify.SetAction(parse => Guard(console, () =>
        {
            var repository = RootOf(parse);
            return VerifyCommand.Run(CourseManifest.LoadFrom(repository), parse.GetValue(milestones) ?? [], console.CreateRunner(repository), console.Out, parse.GetValue(skipReference));
        }));

        var destination = new Argument<string>("dir") { Description = "Where the student workbook goes (a new or empty folder)" };
        var noBuild = new Option<bool>("--no-build", "--no-build-check") { Description = "Do not build the exported workbook" };
        var export = new Command("export", "Export the student workbook: reference code stripped, stubs kept, the Edition switch removed") { destination, noBuild };
        export.SetAction(parse => Guard(console, () =>
        {
            var repository = RootOf(parse);
            return ExportCommand.Run(CourseManifest.LoadFrom(repository), repository, parse.GetValue(destination)!, !parse.GetValue(noBuild), console.Out, console.Error);
        }));

        var manifest = new Command("manifest", "Show the course's milestones: id, title, points, time limit per test, availability");
        manifest.SetAction(parse => Guard(console, () => ManifestCommand.Run(CourseManifest.LoadFrom(RootOf(parse)), console.Out)));

        var mutantIds = new Argument<string[]>("ids")
        {
            Description = "Mutants to check, by id, e.g. stale-read (default: every one in course/mutants/mutants.json)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var seeds = new Option<int>("--seeds")
        {
            Description = "Run each milestone's tests under seeds 1..N (TINYKV_SEED)",
            HelpName = "N",
            DefaultValueFactory = _ => 1,
        };
        var shard = new Option<string>("--shard")
        {
            Description = "Check part K of N, so N commands can share the work; a milestone's mutants stay in one part (e.g. 1/2)",
            HelpName = "K/N",
        };
        var firstCatch = new Option<bool>("--first-catch")
        {
            Description = "Stop each mutant's run at the first test that catches it: the same verdicts in less time, naming one catching test each",
        };
        var mutants = new Command("mutants", "Plant each known bug in a scratch copy of the reference and check that its milestone's tests catch it") { mutantIds, seeds, shard, firstCatch };
        mutants.SetAction(parse => Guard(console, () =>
        {
            var repository = RootOf(parse);
            return MutantsCommand.Run(
                CourseManifest.LoadFrom(repository),
                repository,
                parse.GetValue(mutantIds) ?? [],
                parse.GetValue(seeds),
                parse.GetValue(shard) is { } part ? MutantShard.Parse(part) : MutantShard.Whole,
                source => ScratchWorkspace.Create(source),
                console.CreateRunner,
                console.Out,
                parse.GetValue(firstCatch));
        }));

        var bundle = new Option<string>("--out")
        {
            Description = $"The bundle to write (default: {AutograderCommand.DefaultFile})",
            HelpName = "file",
            DefaultValueFactory = _ => AutograderCommand.DefaultFile,
        };
        var visibility = new Option<string[]>("--visibility")
        {
            Description = "When students see the tests on Gradescope: visible, after_published, after_due_date or hidden (default: after_published); MILESTONE=WHEN gives one milestone's tests their own, e.g. --visibility visible --visibility 4C=after_due_date",
            HelpName = "when",
        };
        var graded = new Option<string[]>("--milestones")
        {
            Description = "Milestones the autograder grades, e.g. 1 2AA (default: every available one)",
            HelpName = "ids",
            AllowMultipleArgumentsPerToken = true,
        };
        var autograder = new Command("autograder", "Write the Gradescope autograder bundle: setup.sh, run_autograder and this tree at its commit") { bundle, visibility, graded };
        autograder.SetAction(parse => Guard(console, () =>
        {
            var repository = RootOf(parse);
            return AutograderCommand.Run(
                CourseManifest.LoadFrom(repository),
                repository,
                Path.Combine(console.CurrentDirectory, parse.GetValue(bundle)!),
                parse.GetValue(visibility) ?? [],
                parse.GetValue(graded) ?? [],
                console.Out);
        }));

        return new RootCommand("tinykv-course: instructor tooling for TinyKV for .NET") { root, verify, export, manifest, mutants, autograder };

        string RootOf(ParseResult parse)
        {
            if (parse.GetValue(root) is { } given)
            {
                return Path.GetFullPath(given);
            }

            try
            {
                return CourseManifest.FindRepositoryRoot(console.CurrentDirectory);
            }
            catch (ManifestException ex)
            {
                throw new UsageException(ex.Message, ex);
            }
        }
    }

    private static int Guard(CourseConsole console, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UsageException ex)
        {
            console.Error.WriteLine($"tinykv-course: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is ManifestException or MutantCatalogException or ExportFailedException
                                       or IOException or UnauthorizedAccessException or ArgumentException)
        {
            console.Error.WriteLine($"tinykv-course: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
