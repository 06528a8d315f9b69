using FluentAssertions;
using Google.Protobuf;
using TinyKv.Codec;
using TinyKv.Proto.Metapb;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.MultiRaft.Tests.Split;

/// <summary>The split checker (given code): how big a region is and where it splits.</summary>
public sealed class SplitCheckerTests : IDisposable
{
    private readonly MemoryEngine _engine = new();

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void A_region_under_the_maximum_size_does_not_split_but_reports_its_size()
    {
        Put("a", 10);
        Put("b", 10);

        var result = Check(Region("", ""), maxSize: 100, splitSize: 50);

        result.SplitKey.Should().BeNull("22 bytes are far from the maximum of 100");
        result.ApproximateSize.Should().Be(22UL, "two one-byte keys with ten-byte values");
    }

    [Fact]
    public void A_region_over_the_maximum_splits_at_the_first_key_past_the_split_size()
    {
        foreach (var key in new[] { "a", "b", "c", "d", "e", "f" })
        {
            Put(key, 20); // 21 bytes each
        }

        var result = Check(Region("", ""), maxSize: 100, splitSize: 50);

        // a: 21, b: 42, c: 63 > 50 — c starts the right half; the walk stops once past 100 (at e: 105).
        result.SplitKey.Should().Equal("c"u8.ToArray());
        result.ApproximateSize.Should().Be(105UL, "the walk stops counting once the region is known to be too big");
    }

    [Fact]
    public void Only_the_regions_own_range_counts_and_the_stores_bookkeeping_does_not()
    {
        var batch = new WriteBatch();
        batch.Put(ColumnFamily.Default, Keys.StoreIdentKey, new byte[500]);
        _engine.Write(batch, sync: false);
        Put("a", 200);
        Put("m", 10);
        Put("z", 200);

        var result = Check(Region("b", "y"), maxSize: 100, splitSize: 50);

        result.ApproximateSize.Should().Be(11UL, "only key m lies in [b, y); local keys are not user data");
        result.SplitKey.Should().BeNull();
    }

    [Fact]
    public void A_split_key_is_never_the_regions_own_start()
    {
        Put("m", 300);
        Put("n", 1);

        var result = Check(Region("m", ""), maxSize: 100, splitSize: 50);

        result.SplitKey.Should().BeNull("splitting at m would leave [m, m) empty");
    }

    [Fact]
    public void Every_version_of_a_transactional_key_stays_on_one_side()
    {
        // Versions of user key "k" under their timestamps, as the transaction layer writes them.
        PutRaw(KeyCodec.EncodeKey("j"u8, 5), 40);
        PutRaw(KeyCodec.EncodeKey("k"u8, 9), 40);
        PutRaw(KeyCodec.EncodeKey("k"u8, 7), 40);
        PutRaw(KeyCodec.EncodeKey("l"u8, 3), 40);

        var result = Check(Region("", ""), maxSize: 150, splitSize: 100); // 57 bytes a version: j, then k passes 100

        result.SplitKey.Should().Equal("k"u8.ToArray(), "the user key: requests for k are routed by it, and both versions of k sort after it");
    }

    [Fact]
    public void A_transactional_split_is_at_the_user_keys_first_8_bytes()
    {
        // Row keys longer than 8 bytes: a longer boundary would put "row-0002/a" (before
        // "row-0002/b") on the left while its encoding sorts after "row-0002/b" on the right.
        foreach (var row in new[] { "row-0001/a", "row-0002/a", "row-0002/b", "row-0003/a" })
        {
            PutRaw(KeyCodec.EncodeKey(System.Text.Encoding.UTF8.GetBytes(row), 9), 40);
        }

        var result = Check(Region("", ""), maxSize: 150, splitSize: 100); // 59 bytes a version: row-0002/a passes 100

        result.SplitKey.Should().Equal("row-0002"u8.ToArray(), "8 bytes: user keys, their encodings and raw keys all sort the same way against it");
    }

    [Fact]
    public void Keys_sharing_their_first_8_bytes_with_the_regions_first_key_split_after_all_of_them()
    {
        foreach (var account in new[] { "account-1", "account-2", "account-3", "accounts/1" })
        {
            PutRaw(KeyCodec.EncodeKey(System.Text.Encoding.UTF8.GetBytes(account), 9), 40);
        }

        var result = Check(Region("", ""), maxSize: 150, splitSize: 100);

        result.SplitKey.Should().Equal("account."u8.ToArray(), "splitting at \"account-\" would leave the left half empty; \"account.\" is the first 8-byte string after every account- key");
    }

    [Fact]
    public void A_group_of_keys_sharing_8_bytes_up_to_the_regions_end_does_not_split()
    {
        foreach (var account in new[] { "account-1", "account-2", "account-3", "account-4" })
        {
            PutRaw(KeyCodec.EncodeKey(System.Text.Encoding.UTF8.GetBytes(account), 9), 40);
        }

        var result = Check(Region("", "account."), maxSize: 150, splitSize: 100);

        result.SplitKey.Should().BeNull("every key shares \"account-\", and the first boundary after them is the region's end");
    }

    [Fact]
    public void A_transactional_key_whose_user_key_sorts_before_the_regions_start_splits_after_its_8_byte_group()
    {
        // The encoding of "abcdefgh/a" (a 0xFF marker after 8 bytes) sorts after the user key
        // "abcdefgh/z" that starts the region (a boundary from a raw split), while the user key
        // itself sorts before it: no split at or before the start, but after the group.
        PutRaw(KeyCodec.EncodeKey("abcdefgh/a"u8, 9), 80);
        PutRaw(KeyCodec.EncodeKey("abcdefgh/a"u8, 7), 80);

        var result = Check(Region("abcdefgh/z", ""), maxSize: 150, splitSize: 50);

        result.ApproximateSize.Should().BeGreaterThan(150);
        result.SplitKey.Should().Equal("abcdefgi"u8.ToArray(), "a split key at or before the region's start would be outside the region");
    }

    private SplitCheckResult Check(Region region, ulong maxSize, ulong splitSize)
    {
        using var snapshot = _engine.GetSnapshot();
        return SplitChecker.Check(snapshot, region, maxSize, splitSize);
    }

    private void Put(string key, int valueBytes) => PutRaw(System.Text.Encoding.UTF8.GetBytes(key), valueBytes);

    private void PutRaw(byte[] key, int valueBytes)
    {
        var batch = new WriteBatch();
        batch.Put(ColumnFamily.Default, key, new byte[valueBytes]);
        _engine.Write(batch, sync: false);
    }

    private static Region Region(string start, string end) => new()
    {
        Id = 1,
        StartKey = ByteString.CopyFromUtf8(start),
        EndKey = ByteString.CopyFromUtf8(end),
        RegionEpoch = new RegionEpoch { ConfVer = 1, Version = 1 },
    };
}
