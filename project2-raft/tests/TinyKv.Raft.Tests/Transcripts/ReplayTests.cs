using FluentAssertions;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.Transcripts;

/// <summary>
/// A seed replays a run exactly. Three nodes tick one tick at a time, so the randomized election
/// timeouts decide who campaigns first, whether votes split and who leads; the printed
/// transcript must come out the same every time the same seed runs it, and differ between
/// seeds (or the timeouts are not drawn from <see cref="Config.Random"/>).
/// </summary>
[Milestone("2AC")]
public sealed class ReplayTests
{
    private static IEnumerable<string> TickByTick()
    {
        yield return "add-nodes 3 election=10 heartbeat=1";
        for (var round = 0; round < 60; round++)
        {
            yield return "tick";
            yield return "stabilize";
            if (round % 20 == 10)
            {
                yield return $"propose {(round / 20) + 1} round-{round}";
                yield return "stabilize";
            }
        }

        yield return "status";
    }

    [Fact]
    public void The_same_seed_prints_the_same_transcript_twice()
    {
        var first = Transcript.Run(TickByTick(), TestSeed.Value);
        var second = Transcript.Run(TickByTick(), TestSeed.Value);

        first.Should().Contain("State:Leader", "someone is elected within 60 ticks of a 10-tick election timeout");
        second.Should().Be(first, "a run with seed {0} must replay exactly: no clock, thread or unseeded random may decide anything", TestSeed.Value);
    }

    [Fact]
    public void Different_seeds_give_different_runs()
    {
        var transcripts = Enumerable.Range(TestSeed.Value, 10)
            .Select(seed => Transcript.Run(TickByTick(), seed))
            .Distinct(StringComparer.Ordinal)
            .Count();

        transcripts.Should().BeGreaterThan(1, "election timeouts are drawn from Config.Random in [et, 2et), so ten seeds cannot all time out alike");
    }
}
