using FluentAssertions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore.Snap;
using TinyKv.Server.Replication;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>
/// How the raft transport sends ordinary messages to another store: in batches on
/// <c>RaftBatch</c> to a store that serves it, one by one on <c>Raft</c> to one that does not,
/// in order either way; and what it drops while the store is down.
/// </summary>
public sealed class GrpcRaftTransportTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task What_is_queued_for_a_store_leaves_in_batches_of_at_most_256_messages_in_order()
    {
        await using var receiver = await RecordingStore.StartAsync();
        var addresses = new GatedAddresses(receiver.Address);
        await using var transport = new GrpcRaftTransport(1, addresses, new SnapshotFiles(), 1024, NullLogger.Instance);

        // The sender waits for the address while 600 messages queue up.
        for (ulong i = 1; i <= 600; i++)
        {
            transport.Send(Heartbeat(term: i));
        }

        addresses.Open();

        var terms = new List<ulong>();
        for (var i = 0; i < 600; i++)
        {
            terms.Add((await receiver.Messages.ReadAsync().AsTask().WaitAsync(s_limit)).Message.Term);
        }

        terms.Should().Equal(Enumerable.Range(1, 600).Select(i => (ulong)i), "one stream carries them in the order they were sent");
        var batches = new List<int>();
        while (receiver.Batches.TryRead(out var size))
        {
            batches.Add(size);
        }

        batches.Should().Equal([256, 256, 88], "the queue held all 600 when the sender woke");
    }

    [Fact]
    public async Task A_big_message_leaves_alone_and_the_batches_around_it_stay_under_a_mebibyte()
    {
        await using var receiver = await RecordingStore.StartAsync();
        var addresses = new GatedAddresses(receiver.Address);
        await using var transport = new GrpcRaftTransport(1, addresses, new SnapshotFiles(), 1024, NullLogger.Instance);

        transport.Send(Heartbeat(term: 1));
        transport.Send(Append(term: 2, bytes: 700 * 1024));
        transport.Send(Append(term: 3, bytes: 700 * 1024));
        transport.Send(Heartbeat(term: 4));
        addresses.Open();

        var terms = new List<ulong>();
        for (var i = 0; i < 4; i++)
        {
            terms.Add((await receiver.Messages.ReadAsync().AsTask().WaitAsync(s_limit)).Message.Term);
        }

        terms.Should().Equal(1, 2, 3, 4);
        var batches = new List<int>();
        while (receiver.Batches.TryRead(out var size))
        {
            batches.Add(size);
        }

        batches.Should().Equal([2, 2], "two appends of 700 KiB do not fit one batch together");
    }

    [Fact]
    public async Task To_a_store_that_does_not_serve_batches_messages_go_one_by_one_on_the_raft_stream()
    {
        await using var receiver = await RecordingStore.StartAsync(servesBatches: false);
        await using var transport = new GrpcRaftTransport(
            1, ClusterMembers.Parse($"1=127.0.0.1:1,2={receiver.Address}"), new SnapshotFiles(), 1024, NullLogger.Instance);

        // The first batch is refused (and lost: Raft sends again); the sender then falls back.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ulong term = 0;
        while (!receiver.Messages.TryPeek(out _) && watch.Elapsed < s_limit)
        {
            transport.Send(Heartbeat(++term));
            await Task.Delay(20);
        }

        receiver.Messages.TryPeek(out _).Should().BeTrue("a message reaches the store on the Raft stream after the refusal");
        var start = term + 1;
        for (var i = 0; i < 20; i++)
        {
            transport.Send(Heartbeat(++term));
        }

        var terms = new List<ulong>();
        while (terms.Count == 0 || terms[^1] != term)
        {
            terms.Add((await receiver.Messages.ReadAsync().AsTask().WaitAsync(s_limit)).Message.Term);
        }

        terms.SkipWhile(t => t < start).Should().Equal(Enumerable.Range((int)start, 20).Select(i => (ulong)i), "nothing is lost or reordered once the sender knows");
        receiver.Batches.TryRead(out _).Should().BeFalse("the store serves no batches");
    }

    [Fact]
    public async Task What_is_sent_to_a_store_while_it_is_down_is_dropped_not_delivered_when_it_comes_back()
    {
        var port = FreePorts.Take(1)[0];
        var failures = new FailureCount();
        await using var transport = new GrpcRaftTransport(
            1, ClusterMembers.Parse($"1=127.0.0.1:1,2=127.0.0.1:{port}"), new SnapshotFiles(), 1024, failures, reconnectPause: TimeSpan.FromSeconds(2));
        ulong term = 0;
        await using (var before = await RecordingStore.StartAsync(port: port))
        {
            await SendUntilAsync(() => before.Messages.TryPeek(out _));
        }

        // The stopped store's stream breaks at the next message. The store comes back within the
        // pause that follows; what was sent to it meanwhile must not be kept for it.
        await SendUntilAsync(() => failures.Count >= 1);
        for (var i = 0; i < 20; i++)
        {
            transport.Send(Heartbeat(++term));
        }

        var lastWhileDown = term;
        await using var receiver = await RecordingStore.StartAsync(port: port);
        await SendUntilAsync(() => receiver.Messages.TryPeek(out _));
        var lastSent = term;
        var terms = new List<ulong>();
        while (terms.Count == 0 || terms[^1] < lastSent)
        {
            terms.Add((await receiver.Messages.ReadAsync().AsTask().WaitAsync(s_limit)).Message.Term);
        }

        terms.Should().OnlyContain(t => t > lastWhileDown, "a store that comes back gets fresh messages, not the backlog of its absence");

        async Task SendUntilAsync(Func<bool> done)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (!done())
            {
                watch.Elapsed.Should().BeLessThan(s_limit, "the transport keeps trying the store");
                transport.Send(Heartbeat(++term));
                await Task.Delay(10);
            }
        }
    }

    private static RaftMessage Heartbeat(ulong term) => Message(MessageType.MsgHeartbeat, term);

    private static RaftMessage Append(ulong term, int bytes)
    {
        var message = Message(MessageType.MsgAppend, term);
        message.Message.Entries.Add(new Entry { Term = term, Index = term, Data = Google.Protobuf.ByteString.CopyFrom(new byte[bytes]) });
        return message;
    }

    private static RaftMessage Message(MessageType type, ulong term) => new()
    {
        RegionId = 1,
        FromPeer = new Peer { Id = 1, StoreId = 1 },
        ToPeer = new Peer { Id = 2, StoreId = 2 },
        RegionEpoch = new RegionEpoch { ConfVer = 1, Version = 1 },
        Message = new Message { MsgType = type, From = 1, To = 2, Term = term },
    };

    /// <summary>Counts the transport's "link broke" reports: one per failed attempt to send.</summary>
    private sealed class FailureCount : ILogger
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("broke", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    /// <summary>Store 2's address, given only once <see cref="Open"/> is called: what is sent before waits in the queue.</summary>
    private sealed class GatedAddresses(string address) : IStoreAddresses
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.SetResult();

        public async ValueTask<Uri?> ResolveAsync(ulong storeId, bool refresh, CancellationToken cancellationToken)
        {
            await _open.Task.WaitAsync(cancellationToken);
            return storeId == 2 ? new Uri("http://" + address) : null;
        }
    }
}
