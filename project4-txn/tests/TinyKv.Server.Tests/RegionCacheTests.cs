using FluentAssertions;
using Google.Protobuf;
using TinyKv.Client.Regions;
using TinyKv.Proto.Metapb;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>The client's region cache against a directory that counts how often it is asked.</summary>
public sealed class RegionCacheTests
{
    [Fact]
    public async Task A_located_region_is_served_from_the_cache_for_every_key_in_its_range()
    {
        var directory = new Directory(Region(1, "", "m"), Region(2, "m", ""));
        var cache = new RegionCache(directory);

        (await cache.LocateAsync(Bytes("a"))).Region.Id.Should().Be(1);
        (await cache.LocateAsync(Bytes("l"))).Region.Id.Should().Be(1);
        (await cache.LocateAsync(Bytes("m"))).Region.Id.Should().Be(2, "the end key belongs to the next region");
        (await cache.LocateAsync(Bytes("zzz"))).Region.Id.Should().Be(2);

        directory.Asked.Should().Be(2);
        cache.Count.Should().Be(2);
    }

    [Fact]
    public async Task Regions_reported_after_a_split_replace_the_region_they_overlap()
    {
        var directory = new Directory(Region(1, "", ""));
        var cache = new RegionCache(directory);
        await cache.LocateAsync(Bytes("x"));

        cache.Replace([Region(1, "", "k", version: 2), Region(3, "k", "", version: 2)]);

        cache.Count.Should().Be(2);
        (await cache.LocateAsync(Bytes("x"))).Region.Id.Should().Be(3);
        (await cache.LocateAsync(Bytes("a"))).Region.RegionEpoch.Version.Should().Be(2);
        directory.Asked.Should().Be(1);
    }

    [Fact]
    public async Task A_leader_among_the_peers_is_kept_and_a_stranger_drops_the_region()
    {
        var directory = new Directory(Region(1, "", ""));
        var cache = new RegionCache(directory);
        await cache.LocateAsync(Bytes("a"));

        cache.UpdateLeader(1, new Peer { Id = 12, StoreId = 2 });
        (await cache.LocateAsync(Bytes("a"))).Leader!.Id.Should().Be(12);

        cache.UpdateLeader(1, new Peer { Id = 99, StoreId = 9 });
        cache.Count.Should().Be(0, "a leader the cached peers do not know means the membership changed");
        await cache.LocateAsync(Bytes("a"));
        directory.Asked.Should().Be(2);
    }

    [Fact]
    public async Task An_invalidated_region_is_asked_for_again_and_a_key_with_no_region_is_an_error()
    {
        var directory = new Directory(Region(1, "b", ""));
        var cache = new RegionCache(directory);
        await cache.LocateAsync(Bytes("c"));

        cache.Invalidate(1);
        await cache.LocateAsync(Bytes("c"));
        var orphan = () => cache.LocateAsync(Bytes("a"));

        directory.Asked.Should().Be(2);
        await orphan.Should().ThrowAsync<RegionUnavailableException>();
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static Region Region(ulong id, string start, string end, ulong version = 1)
    {
        var region = new Region
        {
            Id = id,
            StartKey = ByteString.CopyFromUtf8(start),
            EndKey = ByteString.CopyFromUtf8(end),
            RegionEpoch = new RegionEpoch { Version = version, ConfVer = 1 },
        };
        region.Peers.Add(new Peer { Id = 10 + id, StoreId = 1 });
        region.Peers.Add(new Peer { Id = 12, StoreId = 2 });
        return region;
    }

    private sealed class Directory(params Region[] regions) : IRegionDirectory
    {
        public int Asked { get; private set; }

        public Task<RegionLocation?> RegionOfKeyAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken)
        {
            Asked++;
            var found = regions.Select(r => new RegionLocation(r, null)).FirstOrDefault(l => l.Contains(key.Span));
            return Task.FromResult(found);
        }

        public Task<string?> StoreAddressAsync(ulong storeId, CancellationToken cancellationToken) =>
            Task.FromResult<string?>($"127.0.0.1:{20160 + storeId}");

        public void StoreUnreachable(ulong storeId)
        {
            // Addresses here are fixed: nothing to forget.
        }
    }
}
