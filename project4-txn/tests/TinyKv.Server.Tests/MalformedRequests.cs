using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using TinyKv.Codec;
using TinyKv.Proto.Kvrpcpb;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Server.Tests;

/// <summary>One generated request: its RPC, how it reads in a failure message, and how to send it.</summary>
public sealed record FuzzCall(string Rpc, string Description, Func<TinyKvClient, CallOptions, Task> Send);

/// <summary>
/// Random raw and transactional requests, often malformed, drawn from one generator: empty,
/// small and (rarely) huge keys up to past the server's 10 MiB request limit; unknown column
/// families; zero, equal and inverted timestamps; unknown mutation ops; duplicate keys; huge
/// limits and TTLs; and raw writes of garbage into the <c>lock</c> and <c>write</c> families
/// under the keys transactional requests then read. Most keys come from a small pool, so
/// requests meet each other's data.
/// </summary>
public sealed class MalformedRequests(Random random)
{
    /// <summary>The server's request size limit (<see cref="ServerOptions.MaxReceiveMessageSize"/>).</summary>
    private const int RequestLimit = 10 * 1024 * 1024;

    private static readonly string[] Pool = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"];
    private static readonly ulong[] Versions = [5, 50, 100, 150];

    /// <summary>Requests that must follow the last one: a read of a garbage record just written, then its repair.</summary>
    private readonly Queue<FuzzCall> _followUps = new();

    /// <summary>The next request.</summary>
    public FuzzCall Next()
    {
        if (_followUps.TryDequeue(out var followUp))
        {
            return followUp;
        }

        return random.Next(40) == 0 ? GarbageRecord() : Any();
    }

    private FuzzCall Any() => random.Next(11) switch
    {
        0 => RawGet(),
        1 => RawPut(),
        2 => RawDelete(),
        3 => RawScan(),
        4 => KvGet(),
        5 => KvScan(),
        6 => KvPrewrite(),
        7 => KvCommit(),
        8 => KvCheckTxnStatus(),
        9 => KvBatchRollback(),
        _ => KvResolveLock(),
    };

    private FuzzCall RawGet()
    {
        var request = new RawGetRequest { Cf = Cf(), Key = Key() };
        return new("RawGet", $"RawGet cf={ShowCf(request.Cf)} key={Show(request.Key)}", (c, o) => c.RawGetAsync(request, o).ResponseAsync);
    }

    private FuzzCall RawPut()
    {
        var request = new RawPutRequest { Cf = Cf(), Key = Key(), Value = Value() };
        return new("RawPut", $"RawPut cf={ShowCf(request.Cf)} key={Show(request.Key)} value={Show(request.Value)}", (c, o) => c.RawPutAsync(request, o).ResponseAsync);
    }

    /// <summary>A raw delete; now and then of a pool key's lock or write record, which repairs a garbage one.</summary>
    private FuzzCall RawDelete()
    {
        var request = random.Next(3) == 0 ? Repair(Encoding(Pool[random.Next(Pool.Length)])) : new RawDeleteRequest { Cf = Cf(), Key = Key() };
        return Send(request);
    }

    private static FuzzCall Send(RawDeleteRequest request) =>
        new("RawDelete", $"RawDelete cf={ShowCf(request.Cf)} key={Show(request.Key)}", (c, o) => c.RawDeleteAsync(request, o).ResponseAsync);

    private RawDeleteRequest Repair(ByteString user) => random.Next(2) == 0
        ? new RawDeleteRequest { Cf = "lock", Key = user }
        : new RawDeleteRequest { Cf = "write", Key = ByteString.CopyFrom(KeyCodec.EncodeKey(user.Span, Versions[random.Next(Versions.Length)])) };

    private FuzzCall RawScan()
    {
        var request = new RawScanRequest { Cf = Cf(), StartKey = Key(), Limit = Limit() };
        return new("RawScan", $"RawScan cf={ShowCf(request.Cf)} start_key={Show(request.StartKey)} limit={request.Limit}", (c, o) => c.RawScanAsync(request, o).ResponseAsync);
    }

    private FuzzCall KvGet()
    {
        var request = new GetRequest { Key = Key(), Version = Ts() };
        return new("KvGet", $"KvGet key={Show(request.Key)} version={request.Version}", (c, o) => c.KvGetAsync(request, o).ResponseAsync);
    }

    private FuzzCall KvScan()
    {
        var request = new ScanRequest { StartKey = Key(), Limit = Limit(), Version = Ts() };
        return new("KvScan", $"KvScan start_key={Show(request.StartKey)} limit={request.Limit} version={request.Version}", (c, o) => c.KvScanAsync(request, o).ResponseAsync);
    }

    private FuzzCall KvPrewrite()
    {
        var request = new PrewriteRequest { StartVersion = Ts(), LockTtl = Ttl() };
        var keys = Keys();
        request.PrimaryLock = random.Next(8) == 0 ? Key() : keys.FirstOrDefault() ?? ByteString.Empty;
        foreach (var key in keys)
        {
            request.Mutations.Add(new Mutation { Op = MutationOp(), Key = key, Value = Value() });
        }

        var mutations = string.Join(", ", request.Mutations.Select(m => $"{m.Op} {Show(m.Key)}={Show(m.Value)}"));
        return new(
            "KvPrewrite",
            $"KvPrewrite start_version={request.StartVersion} primary_lock={Show(request.PrimaryLock)} lock_ttl={request.LockTtl} mutations=[{mutations}]",
            (c, o) => c.KvPrewriteAsync(request, o).ResponseAsync);
    }

    private FuzzCall KvCommit()
    {
        var start = Ts();
        var request = new CommitRequest { StartVersion = start, CommitVersion = Later(start), Keys = { Keys() } };
        return new(
            "KvCommit",
            $"KvCommit start_version={request.StartVersion} commit_version={request.CommitVersion} keys=[{ShowAll(request.Keys)}]",
            (c, o) => c.KvCommitAsync(request, o).ResponseAsync);
    }

    private FuzzCall KvCheckTxnStatus()
    {
        var lockTs = Ts();
        var request = new CheckTxnStatusRequest { PrimaryKey = Key(), LockTs = lockTs, CurrentTs = Later(lockTs) };
        return new(
            "KvCheckTxnStatus",
            $"KvCheckTxnStatus primary_key={Show(request.PrimaryKey)} lock_ts={request.LockTs} current_ts={request.CurrentTs}",
            (c, o) => c.KvCheckTxnStatusAsync(request, o).ResponseAsync);
    }

    private FuzzCall KvBatchRollback()
    {
        var request = new BatchRollbackRequest { StartVersion = Ts(), Keys = { Keys() } };
        return new(
            "KvBatchRollback",
            $"KvBatchRollback start_version={request.StartVersion} keys=[{ShowAll(request.Keys)}]",
            (c, o) => c.KvBatchRollbackAsync(request, o).ResponseAsync);
    }

    private FuzzCall KvResolveLock()
    {
        var start = Ts();
        var request = new ResolveLockRequest { StartVersion = start, CommitVersion = random.Next(3) == 0 ? 0 : Later(start) };
        return new(
            "KvResolveLock",
            $"KvResolveLock start_version={request.StartVersion} commit_version={request.CommitVersion}",
            (c, o) => c.KvResolveLockAsync(request, o).ResponseAsync);
    }

    /// <summary>
    /// A raw put of random bytes into the lock or write family under a pool key, followed by a
    /// transactional request that reads that key and by the raw delete that repairs it (garbage
    /// left for good would make most later transactional requests refuse the same way).
    /// </summary>
    private FuzzCall GarbageRecord()
    {
        var user = Encoding(Pool[random.Next(Pool.Length)]);
        var request = random.Next(2) == 0
            ? new RawPutRequest { Cf = "lock", Key = user }
            : new RawPutRequest { Cf = "write", Key = random.Next(4) == 0 ? user : ByteString.CopyFrom(KeyCodec.EncodeKey(user.Span, Versions[random.Next(Versions.Length)])) };
        request.Value = Bytes(random.Next(0, 40));
        _followUps.Enqueue(ReadOf(user));
        _followUps.Enqueue(Send(new RawDeleteRequest { Cf = request.Cf, Key = request.Key }));
        return new("RawPut", $"RawPut (garbage record) cf={request.Cf} key={Show(request.Key)} value={Show(request.Value)}", (c, o) => c.RawPutAsync(request, o).ResponseAsync);
    }

    /// <summary>A well-formed transactional request that reads <paramref name="user"/>'s lock and write records.</summary>
    private FuzzCall ReadOf(ByteString user)
    {
        var ts = Versions[random.Next(Versions.Length)] + 60;
        return random.Next(4) switch
        {
            0 => Describe("KvGet", new GetRequest { Key = user, Version = ts }, (c, r, o) => c.KvGetAsync(r, o).ResponseAsync),
            1 => Describe("KvScan", new ScanRequest { StartKey = user, Limit = 5, Version = ts }, (c, r, o) => c.KvScanAsync(r, o).ResponseAsync),
            2 => Describe("KvCheckTxnStatus", new CheckTxnStatusRequest { PrimaryKey = user, LockTs = ts - 10, CurrentTs = ts }, (c, r, o) => c.KvCheckTxnStatusAsync(r, o).ResponseAsync),
            _ => Describe(
                "KvPrewrite",
                new PrewriteRequest { StartVersion = ts, PrimaryLock = user, LockTtl = 100, Mutations = { new Mutation { Op = Op.Put, Key = user, Value = Bytes(3) } } },
                (c, r, o) => c.KvPrewriteAsync(r, o).ResponseAsync),
        };
    }

    private static FuzzCall Describe<T>(string rpc, T request, Func<TinyKvClient, T, CallOptions, Task> send)
        where T : IMessage => new(rpc, $"{rpc} (read of a garbage record) {request}", (c, o) => send(c, request, o));

    /// <summary>A key: mostly from the pool, sometimes empty, random, encoded with a timestamp, large, or (rarely) huge.</summary>
    private ByteString Key()
    {
        var roll = random.Next(1000);
        return roll switch
        {
            < 50 => ByteString.Empty,
            < 650 => Encoding(Pool[random.Next(Pool.Length)]),
            < 850 => Bytes(random.Next(1, 17)),
            < 960 => ByteString.CopyFrom(KeyCodec.EncodeKey(Encoding(Pool[random.Next(Pool.Length)]).Span, Versions[random.Next(Versions.Length)])),
            < 995 => Bytes(random.Next(1024, 100_000)),
            _ => Huge(),
        };
    }

    /// <summary>A huge key: the 70,000 bytes, a mebibyte, or just past the request limit.</summary>
    private ByteString Huge() => random.Next(3) switch
    {
        0 => Bytes(70_000),
        1 => Bytes(1024 * 1024),
        _ => Bytes(RequestLimit + 1024),
    };

    /// <summary>Zero to five keys for a multi-key request, with duplicates now and then.</summary>
    private List<ByteString> Keys()
    {
        var keys = Enumerable.Range(0, random.Next(6)).Select(_ => Key()).ToList();
        if (keys.Count > 0 && random.Next(6) == 0)
        {
            keys.Add(keys[random.Next(keys.Count)]);
        }

        return keys;
    }

    private ByteString Value() => random.Next(100) switch
    {
        < 10 => ByteString.Empty,
        < 98 => Bytes(random.Next(1, 64)),
        _ => Bytes(random.Next(64 * 1024, 512 * 1024)),
    };

    private string Cf() => random.Next(100) switch
    {
        < 20 => string.Empty,
        < 70 => "default",
        < 75 => "lock",
        < 80 => "write",
        < 90 => "bogus",
        < 99 => new string((char)random.Next('a', 'z' + 1), random.Next(1, 30)),
        _ => new string('c', 200_000),
    };

    /// <summary>A timestamp: zero, small, from the clock's range, random or the largest.</summary>
    private ulong Ts() => random.Next(100) switch
    {
        < 10 => 0,
        < 70 => Versions[random.Next(Versions.Length)] + (ulong)random.Next(0, 3),
        < 80 => ((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 18) + (ulong)random.Next(0, 1000),
        < 95 => (ulong)random.NextInt64(),
        _ => ulong.MaxValue,
    };

    /// <summary>A second timestamp for <paramref name="first"/>: zero, equal, before it or after it.</summary>
    private ulong Later(ulong first) => random.Next(100) switch
    {
        < 10 => 0,
        < 25 => first,
        < 40 => first - Math.Min(first, (ulong)random.Next(1, 50)),
        _ => first + Math.Min(ulong.MaxValue - first, (ulong)random.Next(1, 50)),
    };

    private uint Limit() => random.Next(10) switch
    {
        0 => 0,
        1 => uint.MaxValue,
        _ => (uint)random.Next(1, 20),
    };

    private ulong Ttl() => random.Next(10) switch
    {
        0 => 0,
        1 => ulong.MaxValue,
        _ => (ulong)random.Next(1, 10_000),
    };

    private Op MutationOp() => random.Next(20) switch
    {
        < 8 => Op.Put,
        < 15 => Op.Del,
        15 => Op.Rollback,
        16 => Op.Lock,
        _ => (Op)random.Next(4, 1000),
    };

    private ByteString Bytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }

    private static ByteString Encoding(string text) => ByteString.CopyFromUtf8(text);

    private static string Show(ByteString bytes) => bytes.Length <= Quote.MaxShown ? Quote.Readable(bytes.Span) + string.Create(CultureInfo.InvariantCulture, $" ({bytes.Length} bytes)") : Quote.Readable(bytes.Span);

    private static string ShowAll(IEnumerable<ByteString> keys) => string.Join(", ", keys.Select(Show));

    private static string ShowCf(string cf) => "'" + Quote.Text(cf) + "'";
}
