using FluentAssertions;
using TinyKv.TestKit;
using TinyKv.TestKit.Linearizability;
using Xunit;

namespace TinyKv.Simulation.Tests.Linearizability;

/// <summary>
/// The checker leaves out gets that only repeat the get before them: the verdict must be the one
/// an exhaustive search over every order gives, on small one-key histories built to be full of
/// such repeats (a client reading again and again, open writes that may land in between, now and
/// then a second client overlapping).
/// </summary>
public sealed class RepeatedReadTests
{
    private static readonly string?[] Reads = [null, "a", "b", "ac", "bc", "c", "acc"];

    [Fact]
    public void Verdicts_match_an_exhaustive_search_on_small_histories_full_of_repeated_reads()
    {
        var random = new Random(TestSeed.Value);
        var (legal, illegal) = (0, 0);
        for (var round = 0; round < 20_000; round++)
        {
            var operations = RandomHistory(random);
            var expected = Exhaustive.IsLinearizable(operations);

            var report = LinearizabilityChecker.Check(new KvHistory(operations));

            report.Result.Should().Be(expected ? CheckResult.Ok : CheckResult.Illegal, "history {0}:\n{1}", round, string.Join('\n', operations));
            _ = expected ? legal++ : illegal++;
        }

        // Both verdicts are common, so the comparison says something about each.
        legal.Should().BeGreaterThan(2_000);
        illegal.Should().BeGreaterThan(2_000);
    }

    [Fact]
    public void A_repeated_read_after_a_write_that_may_land_between_them_is_still_legal()
    {
        // R1 reads "a"; an open put of "b" may land after R1; R2 reads "a" again, R3 reads "b".
        var recorder = new HistoryRecorder();
        recorder.Completed(0, KvInput.Put("k", "a"), KvOutput.None, 0, 1);
        recorder.Invoke(0, KvInput.Put("k", "b"), 2);
        recorder.Completed(0, KvInput.Get("k"), KvOutput.Read("a"), 3, 4);
        recorder.Completed(0, KvInput.Get("k"), KvOutput.Read("a"), 5, 6);
        recorder.Completed(0, KvInput.Get("k"), KvOutput.Read("b"), 7, 8);

        LinearizabilityChecker.Check(recorder.ToHistory()).Result.Should().Be(CheckResult.Ok);
    }

    [Fact]
    public void A_repeated_read_after_the_value_changed_back_is_illegal()
    {
        // put a; get a; get b; get a — no write of "a" after "b" was read: the last get is wrong,
        // and it repeats no get before it (the one just before read "b").
        var recorder = new HistoryRecorder();
        recorder.Completed(0, KvInput.Put("k", "a"), KvOutput.None, 0, 1);
        recorder.Invoke(0, KvInput.Put("k", "b"), 2);
        recorder.Completed(0, KvInput.Get("k"), KvOutput.Read("a"), 3, 4);
        recorder.Completed(0, KvInput.Get("k"), KvOutput.Read("b"), 5, 6);
        recorder.Completed(0, KvInput.Get("k"), KvOutput.Read("a"), 7, 8);
        recorder.Completed(0, KvInput.Get("k"), KvOutput.Read("a"), 9, 10);

        LinearizabilityChecker.Check(recorder.ToHistory()).Result.Should().Be(CheckResult.Illegal);
    }

    [Fact]
    public void A_read_overlapping_the_read_before_it_is_not_taken_for_a_repeat()
    {
        // Both read "a", but only the long first get can have seen the put, which starts after
        // the short second get returned: the second get is wrong.
        var recorder = new HistoryRecorder();
        recorder.Completed(0, KvInput.Get("k"), KvOutput.Read("a"), 0, 10);
        recorder.Completed(1, KvInput.Get("k"), KvOutput.Read("a"), 1, 2);
        recorder.Completed(2, KvInput.Put("k", "a"), KvOutput.None, 3, 4);

        LinearizabilityChecker.Check(recorder.ToHistory()).Result.Should().Be(CheckResult.Illegal);
    }

    [Fact]
    public void A_read_after_one_still_running_from_before_is_not_taken_for_a_repeat()
    {
        // The put of "b" runs across the first get; the second get (after it) cannot read "a".
        var recorder = new HistoryRecorder();
        recorder.Completed(0, KvInput.Put("k", "a"), KvOutput.None, 0, 1);
        recorder.Completed(1, KvInput.Put("k", "b"), KvOutput.None, 2, 9);
        recorder.Completed(0, KvInput.Get("k"), KvOutput.Read("a"), 3, 4);
        recorder.Completed(0, KvInput.Get("k"), KvOutput.Read("a"), 10, 11);

        LinearizabilityChecker.Check(recorder.ToHistory()).Result.Should().Be(CheckResult.Illegal);
    }

    private static List<KvOperation> RandomHistory(Random random)
    {
        var count = random.Next(3, 8);
        var operations = new List<KvOperation>(count);
        long cursor = 0;
        string? lastRead = null;
        for (var id = 0; id < count; id++)
        {
            // Mostly one client, one operation after another; sometimes one overlapping the last.
            var overlaps = id > 0 && random.Next(4) == 0;
            var call = overlaps ? operations[^1].CallTime + random.Next(0, 3) : cursor + random.Next(0, 3);
            var duration = random.Next(0, overlaps ? 4 : 8);
            var input = random.Next(100) switch
            {
                < 55 => KvInput.Get("k"),
                < 75 => KvInput.Put("k", random.Next(2) == 0 ? "a" : "b"),
                < 85 => KvInput.Append("k", "c"),
                _ => KvInput.Delete("k"),
            };
            var open = input.IsWrite && random.Next(5) == 0;
            var output = KvOutput.None;
            if (input.Kind == KvOpKind.Get)
            {
                lastRead = random.Next(2) == 0 ? lastRead : Reads[random.Next(Reads.Length)];
                output = KvOutput.Read(lastRead);
            }

            operations.Add(new KvOperation(id, overlaps ? 1 : 0, input, output, call, open ? null : call + duration));
            cursor = Math.Max(cursor, call + duration + 1);
        }

        return operations;
    }

    /// <summary>Tries every order of the operations (open writes placed anywhere after their call, or left out).</summary>
    private static class Exhaustive
    {
        public static bool IsLinearizable(IReadOnlyList<KvOperation> operations)
        {
            var candidates = operations.Where(op => !op.IsOpen || op.Input.IsWrite).ToList();
            return Search(candidates, new bool[candidates.Count], null);
        }

        private static bool Search(List<KvOperation> ops, bool[] placed, string? state)
        {
            if (Enumerable.Range(0, ops.Count).All(i => placed[i] || ops[i].IsOpen))
            {
                return true; // every completed operation has taken effect; open writes left never happened
            }

            for (var i = 0; i < ops.Count; i++)
            {
                // Next may be any operation not yet placed that no unplaced completed operation must precede.
                if (placed[i] || Enumerable.Range(0, ops.Count).Any(j => !placed[j] && j != i && ops[j].ReturnTime < ops[i].CallTime))
                {
                    continue;
                }

                var op = ops[i];
                string? next;
                switch (op.Input.Kind)
                {
                    case KvOpKind.Get when !string.Equals(op.Output.Value, state, StringComparison.Ordinal):
                        continue;
                    case KvOpKind.Get:
                        next = state;
                        break;
                    case KvOpKind.Put:
                        next = op.Input.Value;
                        break;
                    case KvOpKind.Append:
                        next = (state ?? "") + op.Input.Value;
                        break;
                    default:
                        next = null;
                        break;
                }

                placed[i] = true;
                var found = Search(ops, placed, next);
                placed[i] = false;
                if (found)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
