using FluentAssertions;
using TinyKv.TestKit.Simulation;
using Xunit;

namespace TinyKv.Simulation.Tests;

public sealed class SimulatorTests
{
    [Fact]
    public void Events_run_in_time_order_whatever_the_scheduling_order()
    {
        using var sim = Sim.Create<SimulatorTests>();
        var ran = new List<string>();
        sim.Schedule(300, () => ran.Add("c"));
        sim.Schedule(100, () => ran.Add("a"));
        sim.Schedule(200, () => ran.Add("b"));

        sim.RunUntilIdle(10);

        ran.Should().Equal("a", "b", "c");
    }

    [Fact]
    public void Same_time_events_run_in_posting_order()
    {
        using var sim = Sim.Create<SimulatorTests>();
        var ran = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            var n = i;
            sim.Schedule(500, () => ran.Add(n));
        }

        sim.RunUntilIdle(100);

        ran.Should().Equal(Enumerable.Range(0, 50));
    }

    [Fact]
    public void Post_runs_after_work_already_due_now()
    {
        using var sim = Sim.Create<SimulatorTests>();
        var ran = new List<string>();
        sim.Schedule(10, () =>
        {
            sim.Post(() => ran.Add("posted"));
            ran.Add("first");
        });
        sim.Schedule(10, () => ran.Add("second"));
        sim.Schedule(11, () => ran.Add("later"));

        sim.RunUntilIdle(10);

        ran.Should().Equal("first", "second", "posted", "later");
    }

    [Fact]
    public void Clock_jumps_to_the_next_event()
    {
        using var sim = Sim.Create<SimulatorTests>();
        var seen = new List<long>();
        sim.Schedule(1_000_000, () => seen.Add(sim.Now));
        sim.Schedule(3_600_000_000, () => seen.Add(sim.Now));

        sim.Step().Should().BeTrue();
        sim.Now.Should().Be(1_000_000);
        sim.Step().Should().BeTrue();
        sim.Now.Should().Be(3_600_000_000);
        sim.Step().Should().BeFalse();

        seen.Should().Equal(1_000_000, 3_600_000_000);
        sim.EventsRun.Should().Be(2);
    }

    [Fact]
    public void Delays_count_from_the_time_of_scheduling()
    {
        using var sim = Sim.Create<SimulatorTests>();
        long firedAt = -1;
        sim.Schedule(100, () => sim.Schedule(50, () => firedAt = sim.Now));

        sim.RunUntilIdle(10);

        firedAt.Should().Be(150);
    }

    [Fact]
    public void Cancelled_timer_never_runs()
    {
        using var sim = Sim.Create<SimulatorTests>();
        var ran = false;
        var timer = sim.Schedule(100, () => ran = true);

        timer.Cancel().Should().BeTrue();
        timer.IsPending.Should().BeFalse();
        sim.RunUntilIdle(10).Should().Be(0);

        ran.Should().BeFalse();
        timer.Cancel().Should().BeFalse();
    }

    [Fact]
    public void Timer_cancelled_by_an_earlier_event_does_not_run()
    {
        using var sim = Sim.Create<SimulatorTests>();
        var ran = false;
        var timer = sim.Schedule(200, () => ran = true);
        sim.Schedule(100, () => timer.Cancel());

        sim.RunUntil(1_000);

        ran.Should().BeFalse();
        sim.EventsRun.Should().Be(1);
    }

    [Fact]
    public void Cancel_after_the_timer_ran_returns_false()
    {
        using var sim = Sim.Create<SimulatorTests>();
        var timer = sim.Schedule(5, () => { });

        sim.RunUntilIdle(10);

        timer.IsPending.Should().BeFalse();
        timer.Cancel().Should().BeFalse();
    }

    [Fact]
    public void RunUntil_runs_events_at_the_bound_but_not_after_and_ends_at_the_bound()
    {
        using var sim = Sim.Create<SimulatorTests>();
        var ran = new List<long>();
        foreach (var time in new long[] { 99, 100, 101 })
        {
            sim.Schedule(time, () => ran.Add(sim.Now));
        }

        sim.RunUntil(100);

        ran.Should().Equal(99, 100);
        sim.Now.Should().Be(100);

        sim.RunFor(50);

        ran.Should().Equal(99, 100, 101);
        sim.Now.Should().Be(150);
    }

    [Fact]
    public void RunUntil_with_nothing_queued_moves_the_clock()
    {
        using var sim = Sim.Create<SimulatorTests>();

        sim.RunUntil(12_345);

        sim.Now.Should().Be(12_345);
    }

    [Fact]
    public void RunUntil_in_the_past_is_rejected()
    {
        using var sim = Sim.Create<SimulatorTests>();
        sim.RunUntil(1_000);

        var act = () => sim.RunUntil(999);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Negative_delay_is_rejected()
    {
        using var sim = Sim.Create<SimulatorTests>();

        var act = () => sim.Schedule(-1, () => { });

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Exception_in_an_event_fails_the_run_naming_the_seed_and_the_replay_command()
    {
        using var sim = Sim.Create<SimulatorTests>(seed: 4242);
        sim.Schedule(70, () => sim.Record("note", "about to fail"));
        sim.Schedule(77, () => throw new InvalidOperationException("boom"));

        var act = () => sim.RunUntilIdle(10);

        var failure = act.Should().Throw<SimulationFailedException>().Which;
        failure.Seed.Should().Be(4242);
        failure.VirtualTime.Should().Be(77);
        failure.InnerException.Should().BeOfType<InvalidOperationException>();
        failure.ReplayCommand.Should().Be(
            "TINYKV_SEED=4242 dotnet test --filter \"FullyQualifiedName~SimulatorTests.Exception_in_an_event_fails_the_run_naming_the_seed_and_the_replay_command\"");
        failure.Message.Should().Contain("seed 4242").And.Contain("boom").And.Contain(failure.ReplayCommand).And.Contain("about to fail");
    }

    [Fact]
    public void Failed_simulation_refuses_to_run_on()
    {
        using var sim = Sim.Create<SimulatorTests>();
        sim.Post(() => throw new InvalidOperationException("boom"));
        sim.Schedule(10, () => { });
        var first = () => sim.Step();
        first.Should().Throw<SimulationFailedException>();

        var again = () => sim.Step();

        again.Should().Throw<InvalidOperationException>().WithMessage("*already failed*");
    }

    [Fact]
    public void RunUntilIdle_fails_when_work_never_ends()
    {
        using var sim = Sim.Create<SimulatorTests>(seed: 9);
        void Tick() => sim.Schedule(10, Tick);
        sim.Post(Tick);

        var act = () => sim.RunUntilIdle(1_000);

        act.Should().Throw<SimulationFailedException>().WithMessage("*seed 9*not idle after 1000 events*");
    }

    [Fact]
    public void Event_budget_bounds_the_whole_run()
    {
        using var sim = Sim.Create<SimulatorTests>(seed: 5, maxEvents: 100);
        void Tick() => sim.Schedule(10, Tick);
        sim.Post(Tick);

        var act = () => sim.RunUntil(1_000_000);

        act.Should().Throw<SimulationFailedException>().WithMessage("*ran 100 events*")
            .Which.ReplayCommand.Should().StartWith("TINYKV_SEED=5 ");
        sim.EventsRun.Should().Be(100);
    }
}
