using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using TinyKv.Runtime;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>The real-time loop a server's store runs on: the order the simulator keeps, on one thread.</summary>
public sealed class RealTimeLoopTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Actions_run_on_the_loop_thread_by_due_time_then_posting_order()
    {
        using var loop = new RealTimeLoop("test-loop", NullLogger.Instance);
        var ran = new List<string>();
        var onLoop = true;
        // Due times are read from the real clock as each action is queued, so the delays are far
        // apart: a busy machine may pause this thread for milliseconds between two calls.
        var done = await loop.InvokeAsync(() =>
        {
            loop.Schedule(600_000, () => ran.Add("late"));
            loop.Schedule(300_000, () => ran.Add("soon-1"));
            loop.Schedule(300_000, () => ran.Add("soon-2"));
            loop.Post(() => ran.Add("now-1"));
            loop.Post(() => ran.Add("now-2"));
            var cancelled = loop.Schedule(1_000, () => ran.Add("cancelled"));
            cancelled.Cancel().Should().BeTrue();
            cancelled.IsPending.Should().BeFalse();
            return true;
        }).WaitAsync(s_limit);
        done.Should().BeTrue();

        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Schedule(900_000, () =>
        {
            onLoop &= loop.IsOnLoop;
            finished.SetResult();
        });
        await finished.Task.WaitAsync(s_limit);
        ran.Should().Equal("now-1", "now-2", "soon-1", "soon-2", "late");
        onLoop.Should().BeTrue();
    }

    [Fact]
    public async Task Time_moves_forward_and_a_timer_does_not_run_early()
    {
        using var loop = new RealTimeLoop("test-loop", NullLogger.Instance);
        var ran = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduledAt = await loop.InvokeAsync(() =>
        {
            loop.Schedule(30_000, () => ran.SetResult(loop.Now));
            return loop.Now;
        }).WaitAsync(s_limit);
        var ranAt = await ran.Task.WaitAsync(s_limit);
        (ranAt - scheduledAt).Should().BeGreaterThanOrEqualTo(30_000);
    }

    [Fact]
    public async Task An_action_that_throws_is_logged_and_the_loop_goes_on()
    {
        using var loop = new RealTimeLoop("test-loop", NullLogger.Instance);
        loop.Post(() => throw new InvalidOperationException("a bug"));
        (await loop.InvokeAsync(() => 42).WaitAsync(s_limit)).Should().Be(42);
        var failing = () => loop.InvokeAsync<int>(() => throw new InvalidOperationException("reported")).WaitAsync(s_limit);
        await failing.Should().ThrowAsync<InvalidOperationException>().WithMessage("reported");
    }

    [Fact]
    public async Task A_stopped_loop_refuses_work_instead_of_losing_it_silently()
    {
        var loop = new RealTimeLoop("test-loop", NullLogger.Instance);
        loop.Dispose();
        var late = () => loop.InvokeAsync(() => 1).WaitAsync(s_limit);
        await late.Should().ThrowAsync<ObjectDisposedException>();
    }
}
