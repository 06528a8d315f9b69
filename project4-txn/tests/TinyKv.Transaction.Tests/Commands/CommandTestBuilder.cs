using System.Buffers.Binary;
using System.Collections.Concurrent;
using FluentAssertions;
using Google.Protobuf;
using TinyKv.Codec;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage.Engine;
using TinyKv.TestKit.Storage;
using TinyKv.Transaction.Mvcc;

namespace TinyKv.Transaction.Tests.Commands;

/// <summary>
/// One stored entry of a command test. <see cref="Key"/> is the user key; in the default and
/// write column families the stored key is the user key encoded with <see cref="Ts"/> (0 means
/// the builder's latest timestamp). In an assertion a null <see cref="Value"/> means "left as
/// the test set it".
/// </summary>
internal sealed record Kv(string Cf, byte[] Key, ulong Ts = 0, byte[]? Value = null)
{
    /// <summary>A value in the default column family.</summary>
    public static Kv Default(byte[] key, byte[]? value = null, ulong ts = 0) => new(ColumnFamily.Default, key, ts, value);

    /// <summary>A lock, stored under the bare user key.</summary>
    public static Kv Lock(byte[] key, byte[]? value = null) => new(ColumnFamily.Lock, key, 0, value);

    /// <summary>A write record in the write column family, at its commit timestamp.</summary>
    public static Kv Write(byte[] key, byte[]? value = null, ulong ts = 0) => new(ColumnFamily.Write, key, ts, value);
}

/// <summary>
/// Runs transactional commands against a <see cref="TrackingStorage"/> and checks what they
/// stored: the original course's command test builder. Timestamps count up from 100: every
/// request builder takes the next one, and <see cref="Ts"/> is the latest as a byte, for the
/// literal lock and write records the tests spell out.
/// </summary>
/// <remarks>
/// Every command is also checked for two mistakes the stored data does not show: writing a key
/// it did not latch first (through the <see cref="Latches.Validation"/> hook) and leaving a
/// storage iterator undisposed.
/// </remarks>
internal sealed class CommandTestBuilder : IDisposable
{
    private readonly ConcurrentQueue<string> _unlatchedWrites = new();

    public CommandTestBuilder()
    {
        Storage = new TrackingStorage();
        Api = new TransactionApi(Storage);
        Api.Latches.Validation = CheckLatched;
    }

    /// <summary>The storage behind <see cref="Api"/>.</summary>
    public TrackingStorage Storage { get; }

    /// <summary>The handlers under test.</summary>
    public TransactionApi Api { get; }

    /// <summary>The latest timestamp handed out (99 before the first).</summary>
    public ulong PrevTs { get; private set; } = 99;

    /// <summary>The latest timestamp as one byte, as the literal records of the tests carry it.</summary>
    public byte Ts => (byte)PrevTs;

    /// <summary>The next timestamp.</summary>
    public ulong NextTs() => ++PrevTs;

    /// <summary>Stores <paramref name="entries"/> directly, as the initial state.</summary>
    public void Init(params Kv[] entries)
    {
        foreach (var entry in entries)
        {
            var value = entry.Value ?? throw new ArgumentException($"{Describe(entry)} needs a value to be stored", nameof(entries));
            Storage.Set(entry.Cf, StoredKey(entry), value);
        }
    }

    public GetResponse Run(GetRequest request) => Checked(request, Api.KvGetAsync);

    public PrewriteResponse Run(PrewriteRequest request) => Checked(request, Api.KvPrewriteAsync);

    public CommitResponse Run(CommitRequest request) => Checked(request, Api.KvCommitAsync);

    public ScanResponse Run(ScanRequest request) => Checked(request, Api.KvScanAsync);

    public CheckTxnStatusResponse Run(CheckTxnStatusRequest request) => Checked(request, Api.KvCheckTxnStatusAsync);

    public BatchRollbackResponse Run(BatchRollbackRequest request) => Checked(request, Api.KvBatchRollbackAsync);

    public ResolveLockResponse Run(ResolveLockRequest request) => Checked(request, Api.KvResolveLockAsync);

    /// <summary>
    /// Checks each entry: one with a value must be stored with exactly that value; one without
    /// must be as the test set it (or still absent).
    /// </summary>
    public void Assert(params Kv[] entries)
    {
        foreach (var entry in entries)
        {
            var key = StoredKey(entry);
            if (entry.Value is null)
            {
                Storage.HasChanged(entry.Cf, key).Should().BeFalse(
                    "{0} belongs to the test's initial state and the command should have left it alone, but it is now {1}",
                    Describe(entry),
                    Show(Storage.Get(entry.Cf, key)));
            }
            else
            {
                Storage.Get(entry.Cf, key).Should().Equal(
                    entry.Value,
                    "{0} should be stored as {1}",
                    Describe(entry),
                    Show(entry.Value));
            }
        }
    }

    /// <summary>Checks how many keys each column family holds.</summary>
    public void AssertLens(int defaults, int locks, int writes)
    {
        Storage.Len(ColumnFamily.Default).Should().Be(defaults, "the default column family (values, one per key and start timestamp) should hold {0} entries at this point", defaults);
        Storage.Len(ColumnFamily.Lock).Should().Be(locks, "the lock column family (one lock per locked key) should hold {0} entries at this point", locks);
        Storage.Len(ColumnFamily.Write).Should().Be(writes, "the write column family (commit and rollback records) should hold {0} entries at this point", writes);
    }

    /// <summary>A prewrite of a new transaction, with primary key [1].</summary>
    public PrewriteRequest NewPrewrite(params Mutation[] mutations)
    {
        NextTs();
        return NewPrewriteInSameTransaction(mutations);
    }

    /// <summary>Another prewrite of the latest transaction (same start timestamp, same primary).</summary>
    public PrewriteRequest NewPrewriteInSameTransaction(params Mutation[] mutations) =>
        new() { PrimaryLock = Bytes(1), StartVersion = PrevTs, Mutations = { mutations } };

    public static Mutation Mutation(byte key, byte[]? value, Op op) =>
        new() { Key = Bytes(key), Value = value is null ? ByteString.Empty : ByteString.CopyFrom(value), Op = op };

    /// <summary>A commit of a new start timestamp, at that timestamp plus 10.</summary>
    public CommitRequest NewCommit(params byte[][] keys)
    {
        var start = NextTs();
        return new() { StartVersion = start, CommitVersion = start + 10, Keys = { keys.Select(k => ByteString.CopyFrom(k)) } };
    }

    public BatchRollbackRequest NewRollback(params byte[][] keys) =>
        new() { StartVersion = NextTs(), Keys = { keys.Select(k => ByteString.CopyFrom(k)) } };

    /// <summary>
    /// A status check with a lock timestamp whose physical part is 5 &lt;&lt; 22 ms and the
    /// new timestamp in its low byte, and a current time about 70 minutes later (physical
    /// part 6 &lt;&lt; 22 ms), so a lock with a TTL of 8 ms has expired.
    /// </summary>
    public CheckTxnStatusRequest NewCheckTxnStatus(byte[] primary)
    {
        NextTs();
        return new()
        {
            LockTs = BinaryPrimitives.ReadUInt64BigEndian([0, 0, 5, 0, 0, 0, 0, Ts]),
            CurrentTs = BinaryPrimitives.ReadUInt64BigEndian([0, 0, 6, 0, 0, 0, 0, Ts]),
            PrimaryKey = ByteString.CopyFrom(primary),
        };
    }

    public static ResolveLockRequest NewResolve(ulong startTs, ulong commitTs) =>
        new() { StartVersion = startTs, CommitVersion = commitTs };

    public ScanRequest NewScan(byte[] startKey, uint limit) =>
        new() { StartKey = ByteString.CopyFrom(startKey), Limit = limit, Version = NextTs() };

    public static ByteString Bytes(params byte[] bytes) => ByteString.CopyFrom(bytes);

    public void Dispose() => Storage.Dispose();

    /// <summary>
    /// Runs a handler to its end on the test's thread. Over this in-memory storage a handler only
    /// waits for a latch another command holds, so a handler still running when it returns holds
    /// a latch nobody will release: the test fails at once instead of hanging.
    /// </summary>
    private TResponse Checked<TRequest, TResponse>(TRequest request, Func<TRequest, Task<TResponse>> handler)
    {
        var running = handler(request);
        running.IsCompleted.Should().BeTrue(
            "{0} runs over storage that answers at once, so it can only still be waiting for a latch that an earlier command never released (release every latch, also when a command fails)",
            typeof(TRequest).Name);
        var response = running.GetAwaiter().GetResult();
        ShouldHaveLatchedEveryWrite(typeof(TRequest).Name);
        Storage.OpenIterators.Should().Be(0, "{0} must dispose every iterator it opens on a storage reader", typeof(TRequest).Name);
        return response;
    }

    /// <summary>Fails if a command wrote a key it had not latched (as <see cref="Latches.Validate"/> was told).</summary>
    public void ShouldHaveLatchedEveryWrite(string command) =>
        _unlatchedWrites.Should().BeEmpty(
            "a command must latch (Latches.AcquireAsync) every user key it writes before it reads anything, and {0} wrote keys it had not latched",
            command);

    private void CheckLatched(MvccTxn txn, IReadOnlyList<byte[]> latched)
    {
        var allowed = latched.Select(Convert.ToHexString).ToHashSet();
        foreach (var write in txn.Writes)
        {
            string userKey;
            if (write.Cf == ColumnFamily.Lock)
            {
                userKey = Convert.ToHexString(write.Key);
            }
            else
            {
                try
                {
                    userKey = Convert.ToHexString(KeyCodec.DecodeUserKey(write.Key));
                }
                catch (FormatException)
                {
                    _unlatchedWrites.Enqueue($"{write.Kind} of {Convert.ToHexString(write.Key)} in {write.Cf} (not an encoded key)");
                    continue;
                }
            }

            if (!allowed.Contains(userKey))
            {
                _unlatchedWrites.Enqueue($"{write.Kind} of user key {userKey} in {write.Cf}");
            }
        }
    }

    private byte[] StoredKey(Kv entry) =>
        entry.Cf == ColumnFamily.Lock ? entry.Key : KeyCodec.EncodeKey(entry.Key, entry.Ts == 0 ? PrevTs : entry.Ts);

    private string Describe(Kv entry) => entry.Cf == ColumnFamily.Lock
        ? $"the lock on key {Show(entry.Key)}"
        : $"the {(entry.Cf == ColumnFamily.Write ? "write record" : "value")} of key {Show(entry.Key)} at timestamp {(entry.Ts == 0 ? PrevTs : entry.Ts)}";

    private static string Show(byte[]? bytes) => bytes is null ? "absent" : $"[{string.Join(", ", bytes)}]";
}

/// <summary>Checks shared by the command tests.</summary>
internal static class ResponseChecks
{
    /// <summary>Checks that a get found <paramref name="expected"/>.</summary>
    public static void ShouldFind(this GetResponse response, byte[] expected, string situation)
    {
        response.RegionError.Should().BeNull("{0} should not fail with a region error", situation);
        response.Error.Should().BeNull("{0} should not report a key error", situation);
        response.NotFound.Should().BeFalse("{0} should find a value", situation);
        response.Value.ToByteArray().Should().Equal(expected, "{0} should read [{1}]", situation, string.Join(", ", expected));
    }

    /// <summary>Checks that a get found nothing, without an error.</summary>
    public static void ShouldFindNothing(this GetResponse response, string situation)
    {
        response.RegionError.Should().BeNull("{0} should not fail with a region error", situation);
        response.Error.Should().BeNull("{0} should not report a key error", situation);
        response.NotFound.Should().BeTrue("{0} should set not_found", situation);
        response.Value.IsEmpty.Should().BeTrue("{0} has no value to return", situation);
    }
}
