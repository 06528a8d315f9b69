using System.CommandLine;
using System.CommandLine.Parsing;
using TinyKv.Course.Autograder;
using TinyKv.Course.Manifest;
using TinyKv.Grader.Reports;
using TinyKv.Grader.Seeds;
using TinyKv.Grader.Submissions;

namespace TinyKv.Grader.Cli;

/// <summary>
/// The grader's command line: <c>grader list</c>, <c>grader [milestones…]</c> with its options,
/// <c>grader --seeds N [milestones…]</c>, <c>grader replay &lt;test&gt; --seed S</c> and
/// <c>grader submission PATH [milestones…]</c>. A wrong
/// option value or milestone is a usage error (exit code 2) with a message saying what would be right.
/// </summary>
public static class GraderCommandLine
{
    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, GraderHost host)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(host);
        var parse = Create(host).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                host.Error.WriteLine($"grader: {error.Message}");
            }

            host.Error.WriteLine("grader --help shows the usage");
            return ExitCodes.Usage;
        }

        return parse.Invoke(new InvocationConfiguration { Output = host.Out, Error = host.Error });
    }

    /// <summary>The command tree, its actions bound to <paramref name="host"/>.</summary>
    public static RootCommand Create(GraderHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var milestones = new Argument<string[]>("milestones")
        {
            Description = "Milestones to grade, e.g. 1 2AA (default: every available one)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var edition = EditionOption();
        var through = ReferenceThroughOption();
        var format = FormatOption();
        var outFile = OutOption();
        var seeds = new Option<int?>("--seeds")
        {
            Description = "Run every simulated test ([Simulated]) of the milestones under N seeds, one test run per seed, and report each test's pass rate",
            HelpName = "N",
        };
        var seedBase = new Option<int?>("--seed-base")
        {
            Description = $"With --seeds: the first seed; the seeds are B, B+1, …, B+N-1 (default: {SeedSequence.DefaultBase})",
            HelpName = "B",
        };
        var root = new Option<string?>("--root")
        {
            Description = "The course repository (default: found from the current folder)",
            HelpName = "dir",
            Recursive = true,
        };

        var list = new Command("list", "List the course's milestones: title, stage, points, time limit, availability");
        list.SetAction(parse => Guard(host, () =>
        {
            host.Out.Write(MilestoneListing.Render(host.LoadMilestones(RootOf(parse, host, root))));
            return ExitCodes.AllPassed;
        }));

        var command = new RootCommand("grader: builds an edition of the course, runs each milestone's graded tests and scores them")
        {
            milestones, edition, through, format, outFile, seeds, seedBase, root, list, Replay(host, root), Submission(host, root), Batch(host, root),
        };
        command.SetAction(parse => Guard(host, () =>
        {
            var repository = RootOf(parse, host, root);
            var asked = (parse.GetValue(milestones) ?? []).Select(id => id.Trim().ToUpperInvariant()).ToList();
            var settings = BuildChoice.Settings(parse.GetValue(edition), parse.GetValue(through));
            if (parse.GetValue(seeds) is { } count)
            {
                var sweep = new SeedSweep(host.LoadMilestones(repository), host.CreateRunner(repository), host.Out, host.Time, host.WriteFile);
                var sequence = SeedSequence.Of(count, parse.GetValue(seedBase) ?? SeedSequence.DefaultBase);
                return sweep.Run(new SeedRequest(asked, sequence, settings, parse.GetValue(format), parse.GetValue(outFile)));
            }

            if (parse.GetValue(seedBase) is not null)
            {
                throw new UsageException("--seed-base goes with --seeds N");
            }

            var request = new GradeRequest(asked, settings, parse.GetValue(format), parse.GetValue(outFile));
            var session = new GradingSession(
                host.LoadMilestones(repository),
                host.CreateRunner(repository),
                host.Out,
                host.Time,
                host.CreateProgress(),
                host.WriteFile)
            {
                Hints = host.LoadHints(repository),
            };
            return session.Run(request);
        }));
        return command;
    }

    /// <summary><c>grader replay &lt;test&gt; --seed S</c>: one simulated test, rerun under one seed.</summary>
    private static Command Replay(GraderHost host, Option<string?> root)
    {
        var test = new Argument<string>("test")
        {
            Description = "The simulated test: its name (Class.Method), its fully qualified name, or a part of either that names one test",
        };
        var seed = new Option<int>("--seed")
        {
            Description = "The seed to run it under (TINYKV_SEED)",
            HelpName = "S",
            Required = true,
        };
        var edition = EditionOption();
        var through = ReferenceThroughOption();
        var replay = new Command("replay", "Build, then run one simulated test with TINYKV_SEED=S and show its output and failure message")
        {
            test, seed, edition, through,
        };
        replay.SetAction(parse => Guard(host, () =>
        {
            var repository = RootOf(parse, host, root);
            var session = new ReplaySession(host.LoadMilestones(repository), host.CreateRunner(repository), host.Out);
            var settings = BuildChoice.Settings(parse.GetValue(edition), parse.GetValue(through));
            return session.Run(new ReplayRequest(parse.GetValue(test) ?? "", parse.GetValue(seed), settings));
        }));
        return replay;
    }

    /// <summary><c>grader submission PATH [milestones…]</c>: a student's submission, graded in a fresh copy of this tree.</summary>
    private static Command Submission(GraderHost host, Option<string?> root)
    {
        var path = new Argument<string>("path")
        {
            Description = "The submission: a workbook folder, a .zip of one, a git repository or a git bundle",
        };
        var milestones = new Argument<string[]>("milestones")
        {
            Description = "Milestones to grade, e.g. 1 2AA (default: every available one)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var revision = new Option<string?>("--rev")
        {
            Description = "For a git repository or bundle: the revision to grade (default: HEAD)",
            HelpName = "rev",
        };
        var isolate = new Option<bool>("--isolate")
        {
            Description = "Grade each milestone on the reference of the milestones before it, with the student's files of that milestone (the default)",
        };
        var cumulative = new Option<bool>("--cumulative")
        {
            Description = "Grade each milestone with the student's files of every milestone up to it, as the student's own tree runs",
        };
        var keep = new Option<bool>("--keep")
        {
            Description = "Keep the temp folder with the grading tree and its builds, and say where it is",
        };
        var visibility = VisibilityOption();
        var format = FormatOption();
        var outFile = OutOption();
        var (seeds, seedBase) = SubmissionSeedOptions();
        var submission = new Command("submission", "Grade a student's submission in a fresh copy of this tree: only the files the manifest lists under 'submits' are taken from it; tests and everything else stay this tree's")
        {
            path, milestones, revision, isolate, cumulative, keep, format, outFile, visibility, seeds, seedBase,
        };
        submission.SetAction(parse => Guard(host, () =>
        {
            if (parse.GetValue(isolate) && parse.GetValue(cumulative))
            {
                throw new UsageException("--isolate and --cumulative exclude each other; choose one");
            }

            var repository = RootOf(parse, host, root);
            var course = host.LoadMilestones(repository);
            var visible = VisibilityOf(parse, visibility, course);
            var request = new SubmissionRequest(
                parse.GetValue(path) ?? "",
                parse.GetValue(revision),
                [.. (parse.GetValue(milestones) ?? []).Select(id => id.Trim().ToUpperInvariant())],
                parse.GetValue(cumulative) ? GradingMode.Cumulative : GradingMode.Isolate,
                parse.GetValue(format),
                parse.GetValue(outFile),
                parse.GetValue(keep))
            {
                Seeds = SeedsOf(parse, seeds, seedBase),
            };
            var grader = new SubmissionGrader(repository, course, host.SubmissionEnvironment(), host.Out)
            {
                Hints = host.LoadHints(repository),
            };
            var report = grader.Grade(request) with { Visibility = visible };
            return SessionSteps.Report(report, request.Format, request.OutFile, host.WriteFile, host.Out);
        }));
        return submission;
    }

    /// <summary><c>grader batch DIR [milestones…]</c>: every submission under a folder, into a gradebook.</summary>
    private static Command Batch(GraderHost host, Option<string?> root)
    {
        var folder = new Argument<string>("dir") { Description = "A folder with one submission per student: a workbook folder, a git repository, a .zip or a git bundle, named after the student" };
        var milestones = new Argument<string[]>("milestones")
        {
            Description = "Milestones to grade, e.g. 1 2AA (default: every available one)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var isolate = new Option<bool>("--isolate") { Description = "Grade each milestone on the reference of the milestones before it (the default)" };
        var cumulative = new Option<bool>("--cumulative") { Description = "Grade each milestone with the student's files of every milestone up to it" };
        var format = FormatOption();
        format.Description = "Format of each student's results file: json (the default), gradescope, junit or table";
        var outFolder = new Option<string?>("--out-dir")
        {
            Description = "Where the gradebook (gradebook.csv), each student's results file and grading log go (default: DIR-grades beside DIR)",
            HelpName = "dir",
        };
        var visibility = VisibilityOption();
        var (seeds, seedBase) = SubmissionSeedOptions();
        var batch = new Command("batch", "Grade every submission under a folder, one after another, into a gradebook CSV and a results file and log per student")
        {
            folder, milestones, isolate, cumulative, format, outFolder, visibility, seeds, seedBase,
        };
        batch.SetAction(parse => Guard(host, () =>
        {
            if (parse.GetValue(isolate) && parse.GetValue(cumulative))
            {
                throw new UsageException("--isolate and --cumulative exclude each other; choose one");
            }

            var repository = RootOf(parse, host, root);
            var course = host.LoadMilestones(repository);
            var submissions = Path.TrimEndingDirectorySeparator(Path.GetFullPath(parse.GetValue(folder) ?? ""));
            var request = new BatchRequest(
                submissions,
                [.. (parse.GetValue(milestones) ?? []).Select(id => id.Trim().ToUpperInvariant())],
                parse.GetValue(cumulative) ? GradingMode.Cumulative : GradingMode.Isolate,
                parse.GetResult(format) is null ? ReportFormat.Json : parse.GetValue(format),
                Path.GetFullPath(parse.GetValue(outFolder) ?? submissions + "-grades"))
            {
                Seeds = SeedsOf(parse, seeds, seedBase),
                Visibility = VisibilityOf(parse, visibility, course),
            };
            var grader = new BatchGrader(repository, course, host.SubmissionEnvironment(), host.WriteFile, host.Out)
            {
                Hints = host.LoadHints(repository),
            };
            var entries = grader.Grade(request);
            return entries.All(e => e.Report is not null) ? ExitCodes.AllPassed : ExitCodes.NotAllPassed;
        }));
        return batch;
    }

    /// <summary>The <c>--seeds N</c> and <c>--seed-base B</c> of grading submissions: every simulated test must also pass under seeds B … B+N-1.</summary>
    private static (Option<int?> Seeds, Option<int?> SeedBase) SubmissionSeedOptions() => (
        new Option<int?>("--seeds")
        {
            Description = "Also run every simulated test of a graded milestone under N seeds; a test scores only if it passes every one (a failing seed is named)",
            HelpName = "N",
        },
        new Option<int?>("--seed-base")
        {
            Description = $"With --seeds: the first seed; the seeds are B, B+1, …, B+N-1 (default: {SeedSequence.DefaultBase})",
            HelpName = "B",
        });

    /// <summary>The <c>--visibility</c> of the Gradescope format: WHEN for every test, MILESTONE=WHEN for one milestone's, repeated.</summary>
    private static Option<string[]> VisibilityOption() => new("--visibility")
    {
        Description = "For --format gradescope: when students see the tests, visible, after_published, after_due_date or hidden (default: after_published); MILESTONE=WHEN gives one milestone's tests their own, e.g. --visibility visible --visibility 4C=after_due_date",
        HelpName = "when",
    };

    private static TestVisibility VisibilityOf(ParseResult parse, Option<string[]> visibility, IReadOnlyList<MilestoneSpec> course)
    {
        try
        {
            return TestVisibility.Parse(parse.GetValue(visibility) ?? [], [.. course.Select(m => m.Id)]);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    private static IReadOnlyList<int> SeedsOf(ParseResult parse, Option<int?> seeds, Option<int?> seedBase)
    {
        if (parse.GetValue(seeds) is { } count)
        {
            return SeedSequence.Of(count, parse.GetValue(seedBase) ?? SeedSequence.DefaultBase);
        }

        return parse.GetValue(seedBase) is null ? [] : throw new UsageException("--seed-base goes with --seeds N");
    }

    // No DefaultValueFactory: help would print the enum's name ("Table"); an absent option
    // reads as default(ReportFormat), which is the table.
    private static Option<ReportFormat> FormatOption() => new("--format")
    {
        Description = "Results format: table, json, gradescope or junit (default: table)",
        HelpName = "table|json|gradescope|junit",
        CustomParser = result => ParseWith(result, Reports.Reports.Parse),
    };

    private static Option<string?> OutOption() => new("--out")
    {
        Description = "Results file (default: results.json for gradescope, grader-results.json for json, grader-results.xml for junit; none for table)",
        HelpName = "file",
    };

    private static Option<string?> EditionOption() => new("--edition")
    {
        Description = "Build the reference or the student edition (default: the tree as it is)",
        HelpName = "reference|student",
        CustomParser = result => ParseWith(result, BuildChoice.ParseEdition),
    };

    private static Option<string?> ReferenceThroughOption() => new("--reference-through")
    {
        Description = "Compile the reference of every milestone up to and including this one",
        HelpName = "milestone",
        CustomParser = result => ParseWith(result, BuildChoice.ParseMilestone),
    };

    private static string RootOf(ParseResult parse, GraderHost host, Option<string?> root) =>
        parse.GetValue(root) is { } given ? Path.GetFullPath(given) : host.FindRepositoryRoot();

    private static T? ParseWith<T>(ArgumentResult result, Func<string, T> parse)
    {
        try
        {
            return parse(result.Tokens.Count == 0 ? "" : result.Tokens[^1].Value);
        }
        catch (ArgumentException ex)
        {
            result.AddError(ex.Message);
            return default;
        }
    }

    private static int Guard(GraderHost host, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UsageException ex)
        {
            host.Error.WriteLine($"grader: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (ManifestException ex)
        {
            host.Error.WriteLine($"grader: {ex.Message}");
            return ExitCodes.NotAllPassed;
        }
    }
}
