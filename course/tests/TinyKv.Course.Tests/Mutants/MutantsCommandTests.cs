using FluentAssertions;
using TinyKv.Course.Cli;
using TinyKv.Course.Manifest;
using TinyKv.Course.Mutants;
using Xunit;

namespace TinyKv.Course.Tests.Mutants;

public sealed class MutantsCommandTests : IDisposable
{
    private static readonly string s_root = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);
    private static readonly CourseManifest s_manifest = CourseManifest.LoadFrom(s_root);
    private static readonly MutantSpec s_mutant = new("stale-read", "reads answered early", "2B", "/repo/course/mutants/stale-read.patch");
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly FakeWorkspace _workspace = new();
    private readonly FakeMutantRunner _runner;

    public MutantsCommandTests()
    {
        _runner = new FakeMutantRunner(_workspace)
            .Tests("2B", "Basic2BTests.OnePartition", "Basic2BTests.Persist", "Basic2BTests.Unreliable", "Basic2BTests.Concurrent", "Basic2BTests.Basic")
            .Tests("2C", "Snapshot2CTests.OneSnapshot")
            .Tests("3B", "ConfChange3BTests.BasicConfChange", "Split3BTests.OneSplit")
            .Tests("3C", "RegionHeartbeatTests.Region_with_a_stale_version_is_refused", "BalanceRegionTests.Replicas3_moves_a_peer_off_the_fullest_store_to_the_emptiest_store_without_one")
            .Tests("4C", "LostUpdateTests.No_two_increments_read_the_same_value", "BankTests.Bank_keeps_its_total_over_many_seeds");
    }

    public void Dispose()
    {
        _out.Dispose();
        _error.Dispose();
        _workspace.Dispose();
    }

    [Fact]
    public void Every_mutant_caught_prints_a_line_each_and_succeeds()
    {
        var catalog = MutantCatalog.LoadFrom(s_root, s_manifest);
        foreach (var mutant in catalog.Mutants)
        {
            _runner.Ends(mutant.Id, 1, mutant.Milestone switch
            {
                "2B" => "Basic2BTests.Persist",
                "2C" => "Snapshot2CTests.OneSnapshot",
                "3B" => "Split3BTests.OneSplit",
                "4C" => "BankTests.Bank_keeps_its_total_over_many_seeds",
                _ => "RegionHeartbeatTests.Region_with_a_stale_version_is_refused",
            });
        }

        var exit = Run([]);

        exit.Should().Be(ExitCodes.Success);
        foreach (var mutant in catalog.Mutants)
        {
            _out.ToString().Should().MatchRegex($"(?m)^{mutant.Id} +{mutant.Milestone} +caught by 1 of [0-9]+ tests under seed 1 ");
        }

        _out.ToString().Should().MatchRegex($"{catalog.Mutants.Count} passed, 0 failed \\([0-9.]+ min\\){Environment.NewLine}$");
        _workspace.Disposed.Should().BeTrue();
    }

    [Fact]
    public void A_survivor_fails_the_command()
    {
        var exit = Run(["stale-read"], seeds: 2);

        exit.Should().Be(ExitCodes.Failure);
        _out.ToString().Should().Contain("stale-read                     2B  SURVIVED: all 5 tests that pass on the reference passed on it under seeds 1..2")
            .And.Contain("0 passed, 1 failed");
    }

    [Fact]
    public void A_caught_line_names_three_catching_tests_at_most()
    {
        var verdict = new MutantVerdict(
            s_mutant,
            MutantOutcome.Caught,
            11,
            ["Basic2BTests.OnePartition", "Basic2BTests.Persist", "Basic2BTests.Unreliable", "Basic2BTests.Concurrent"],
            [1],
            "",
            TimeSpan.FromSeconds(79.4));

        MutantsCommand.Describe(verdict).Should().Be(
            "stale-read                     2B  caught by 4 of 11 tests under seed 1 (Basic2BTests.OnePartition, Basic2BTests.Persist, Basic2BTests.Unreliable, …)  [79 s]");
    }

    [Fact]
    public void A_line_of_a_run_stopped_at_its_first_catch_names_that_test_and_says_where_it_stopped()
    {
        var verdict = new MutantVerdict(s_mutant, MutantOutcome.Caught, 28, ["Basic2BTests.Persist"], [1], "", TimeSpan.FromSeconds(21.2)) { StoppedAtFirstCatch = true };

        MutantsCommand.Describe(verdict).Should().Be(
            "stale-read                     2B  caught under seed 1 by Basic2BTests.Persist, where its run of 28 tests stopped  [21 s]");
    }

    [Fact]
    public void A_stale_patch_line_shows_gits_words_indented()
    {
        var verdict = new MutantVerdict(s_mutant, MutantOutcome.StalePatch, 0, [], [1], "error: patch failed: a.cs:3\nerror: a.cs: patch does not apply", TimeSpan.Zero);

        MutantsCommand.Describe(verdict).Should().Be(string.Join(
            Environment.NewLine,
            "stale-read                     2B  STALE PATCH: it no longer applies to the reference; make it again from the current code  [0 s]",
            "    error: patch failed: a.cs:3",
            "    error: a.cs: patch does not apply"));
    }

    [Fact]
    public void With_first_catch_a_caught_mutant_s_run_stops_at_its_first_catching_test()
    {
        _runner.Ends("stale-read", 1, "Basic2BTests.Persist").Ends("stale-read", 1, "Basic2BTests.Concurrent");

        var exit = Run(["stale-read"], stopAtFirstCatch: true);

        exit.Should().Be(ExitCodes.Success);
        _out.ToString().Should().Contain("stale-read                     2B  caught under seed 1 by Basic2BTests.Persist, where its run of 5 tests stopped")
            .And.Contain("1 passed, 0 failed");
        _runner.Calls.Should().Contain("stopped at Basic2BTests.Persist");
    }

    [Fact]
    public void Problems_of_the_unchanged_reference_are_printed_and_fail_the_command()
    {
        _runner.Ends(null, 1, "Basic2BTests.Basic").Ends("stale-read", 1, "Basic2BTests.Persist");

        var exit = Run(["stale-read"]);

        exit.Should().Be(ExitCodes.Failure);
        _out.ToString().Should().Contain("reference: 2B: Basic2BTests.Basic does not pass on the unchanged reference under seed 1")
            .And.Contain("1 passed, 1 failed");
    }

    [Theory]
    [InlineData(new[] { "mutants", "--seeds", "0" }, "tinykv-course: --seeds must be at least 1, not 0")]
    [InlineData(new[] { "mutants", "no-such-bug" }, "tinykv-course: 'no-such-bug' is not a mutant; the catalog has ")]
    [InlineData(new[] { "mutants", "--shard", "3/2" }, "tinykv-course: --shard takes K/N, part K of N with 1 <= K <= N (e.g. 1/2), not '3/2'")]
    [InlineData(new[] { "mutants", "--shard", "0/2" }, "tinykv-course: --shard takes K/N")]
    [InlineData(new[] { "mutants", "--shard", "half" }, "tinykv-course: --shard takes K/N")]
    public void A_request_that_cannot_be_checked_is_a_usage_error_before_anything_is_copied(string[] args, string message)
    {
        var console = new CourseConsole(_out, _error, s_root, _ => throw new InvalidOperationException("nothing may run"));

        var exit = CourseCommandLine.Run([.. args, "--root", s_root], console);

        exit.Should().Be(ExitCodes.Usage);
        _error.ToString().Should().StartWith(message);
        _out.ToString().Should().BeEmpty();
    }

    [Fact]
    public void A_part_checks_the_mutants_of_its_milestones_only_and_says_which()
    {
        var catalog = MutantCatalog.LoadFrom(s_root, s_manifest);
        var mine = new MutantShard(2, 2).Pick(catalog.Mutants);
        foreach (var mutant in mine)
        {
            _runner.Ends(mutant.Id, 1, mutant.Milestone == "2C" ? "Snapshot2CTests.OneSnapshot" : "RegionHeartbeatTests.Region_with_a_stale_version_is_refused");
        }

        var exit = Run([], shard: new MutantShard(2, 2));

        exit.Should().Be(ExitCodes.Success);
        mine.Select(m => m.Milestone).Distinct().Should().BeEquivalentTo("2C", "3C");
        _out.ToString().Should().StartWith($"part 2 of 2: {mine.Count} of the {catalog.Mutants.Count} mutants, those of 2C, 3C{Environment.NewLine}")
            .And.Contain($"{mine.Count} passed, 0 failed");
        foreach (var mutant in catalog.Mutants)
        {
            _out.ToString().Contains(mutant.Id + " ", StringComparison.Ordinal).Should().Be(mine.Contains(mutant), mutant.Id);
        }
    }

    [Fact]
    public void A_part_left_without_mutants_succeeds_without_copying_anything()
    {
        var exit = MutantsCommand.Run(s_manifest, s_root, ["stale-read"], 1, new MutantShard(2, 2), _ => throw new InvalidOperationException("nothing may be copied"), _ => _runner, _out);

        exit.Should().Be(ExitCodes.Success);
        _out.ToString().Should().Be($"part 2 of 2 holds none of the 1 mutants: their milestones went to the other parts{Environment.NewLine}0 passed, 0 failed{Environment.NewLine}");
    }

    private int Run(IReadOnlyList<string> ids, int seeds = 1, MutantShard? shard = null, bool stopAtFirstCatch = false) =>
        MutantsCommand.Run(s_manifest, s_root, ids, seeds, shard ?? MutantShard.Whole, _ => _workspace, _ => _runner, _out, stopAtFirstCatch);
}
