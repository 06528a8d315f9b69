using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace TinyKv.SchedulerServer.Etcd;

/// <summary>
/// Where a scheduler group keeps its keys in etcd, all under one prefix (by default
/// <c>/tinykv/scheduler/</c>):
/// <list type="bullet">
/// <item><c>{prefix}leader</c>: the leader's member (a <c>schedulerpb.Member</c>), bound to its lease;</item>
/// <item><c>{prefix}members/{member id, 20 digits}</c>: each live member, bound to its own lease;</item>
/// <item><c>{prefix}data/{key}</c>: the scheduler's metadata, one etcd key per storage key
/// (cluster id, cluster meta, stores, regions, the id and timestamp bounds).</item>
/// </list>
/// </summary>
public sealed class EtcdKeys
{
    /// <summary>Creates the layout under <paramref name="prefix"/>, which ends in '/'.</summary>
    public EtcdKeys(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (prefix[^1] != '/')
        {
            throw new ArgumentException($"an etcd key prefix ends in '/', not '{prefix}'", nameof(prefix));
        }

        Prefix = prefix;
        Leader = Bytes(prefix + "leader");
        MembersPrefix = Bytes(prefix + "members/");
        DataPrefix = Bytes(prefix + "data/");
    }

    /// <summary>The prefix every key lives under.</summary>
    public string Prefix { get; }

    /// <summary>The leader key: the leader's member, written with put-if-absent and bound to the leader's lease.</summary>
    public ByteString Leader { get; }

    /// <summary>The prefix of the member keys.</summary>
    public ByteString MembersPrefix { get; }

    /// <summary>The prefix of the metadata keys.</summary>
    public ByteString DataPrefix { get; }

    /// <summary>The key member <paramref name="memberId"/> registers under.</summary>
    public ByteString Member(ulong memberId) => Bytes($"{Prefix}members/{memberId.ToString("D20", CultureInfo.InvariantCulture)}");

    /// <summary>The etcd key of the storage key <paramref name="key"/>.</summary>
    public ByteString Data(string key) => Bytes($"{Prefix}data/{key}");

    /// <summary>The storage key an etcd key under <see cref="DataPrefix"/> stands for.</summary>
    public string StorageKey(ByteString etcdKey)
    {
        ArgumentNullException.ThrowIfNull(etcdKey);
        return Encoding.UTF8.GetString(etcdKey.Span[DataPrefix.Length..]);
    }

    /// <summary>The end (exclusive) of the range of every key starting with <paramref name="prefix"/>, as etcd's range_end.</summary>
    public static ByteString RangeEnd(ByteString prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var end = prefix.ToByteArray();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return ByteString.CopyFrom(end, 0, i + 1);
            }
        }

        return ByteString.CopyFrom(0); // All keys from the start: the prefix was all 0xff.
    }

    private static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);
}
