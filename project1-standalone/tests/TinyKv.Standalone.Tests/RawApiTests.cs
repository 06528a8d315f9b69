using FluentAssertions;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage.Engine;
using TinyKv.TestKit;
using Xunit;
using static TinyKv.Standalone.Tests.StandaloneFixture;

namespace TinyKv.Standalone.Tests;

/// <summary>
/// The ten graded scenarios of Stage 1: the raw API over a standalone storage.
/// Each arranges data through the storage itself, acts through the API, and checks one thing.
/// </summary>
[Milestone("1")]
public sealed class RawApiTests : IDisposable
{
    private readonly StandaloneFixture _kv = new();

    public void Dispose() => _kv.Dispose();

    [Fact]
    public async Task RawGet_returns_the_stored_value()
    {
        await _kv.SetAsync(ColumnFamily.Default, [99], [42]);

        var response = await _kv.Api.RawGetAsync(new RawGetRequest { Key = Bytes(99), Cf = ColumnFamily.Default });

        response.Error.Should().BeEmpty();
        response.NotFound.Should().BeFalse();
        response.Value.ToByteArray().Should().Equal(42);
    }

    [Fact]
    public async Task RawGet_of_a_missing_key_says_not_found()
    {
        var response = await _kv.Api.RawGetAsync(new RawGetRequest { Key = Bytes(99), Cf = ColumnFamily.Default });

        response.Error.Should().BeEmpty();
        response.NotFound.Should().BeTrue();
        response.Value.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public async Task RawPut_stores_the_value()
    {
        var response = await _kv.Api.RawPutAsync(new RawPutRequest { Key = Bytes(99), Value = Bytes(42), Cf = ColumnFamily.Default });

        response.Error.Should().BeEmpty();
        (await _kv.GetAsync(ColumnFamily.Default, [99])).Should().Equal(42);
    }

    [Fact]
    public async Task RawGet_after_RawPut_reads_each_column_family_apart()
    {
        (await _kv.Api.RawPutAsync(new RawPutRequest { Key = Bytes(99), Value = Bytes(42), Cf = ColumnFamily.Default })).Error.Should().BeEmpty();
        (await _kv.Api.RawPutAsync(new RawPutRequest { Key = Bytes(99), Value = Bytes(44), Cf = ColumnFamily.Write })).Error.Should().BeEmpty();

        var fromDefault = await _kv.Api.RawGetAsync(new RawGetRequest { Key = Bytes(99), Cf = ColumnFamily.Default });
        var fromWrite = await _kv.Api.RawGetAsync(new RawGetRequest { Key = Bytes(99), Cf = ColumnFamily.Write });

        fromDefault.Value.ToByteArray().Should().Equal(42);
        fromWrite.Value.ToByteArray().Should().Equal(44);
    }

    [Fact]
    public async Task RawGet_after_RawDelete_says_not_found()
    {
        await _kv.SetAsync(ColumnFamily.Default, [99], [42]);

        (await _kv.Api.RawDeleteAsync(new RawDeleteRequest { Key = Bytes(99), Cf = ColumnFamily.Default })).Error.Should().BeEmpty();
        var response = await _kv.Api.RawGetAsync(new RawGetRequest { Key = Bytes(99), Cf = ColumnFamily.Default });

        response.NotFound.Should().BeTrue();
    }

    [Fact]
    public async Task RawDelete_removes_the_key_from_storage()
    {
        await _kv.SetAsync(ColumnFamily.Default, [99], [42]);

        var response = await _kv.Api.RawDeleteAsync(new RawDeleteRequest { Key = Bytes(99), Cf = ColumnFamily.Default });

        response.Error.Should().BeEmpty();
        (await _kv.GetAsync(ColumnFamily.Default, [99])).Should().BeNull();
    }

    [Fact]
    public async Task RawScan_returns_limit_pairs_in_key_order_from_the_start_key()
    {
        for (byte k = 1; k <= 5; k++)
        {
            await _kv.SetAsync(ColumnFamily.Default, [k], [233, k]);
        }

        var response = await _kv.Api.RawScanAsync(new RawScanRequest { StartKey = Bytes(1), Limit = 3, Cf = ColumnFamily.Default });

        response.Error.Should().BeEmpty();
        ScannedPairs(response).Should().Equal("1=233.1", "2=233.2", "3=233.3");
    }

    [Fact]
    public async Task RawScan_after_RawPut_sees_the_new_key()
    {
        for (byte k = 1; k <= 4; k++)
        {
            await _kv.SetAsync(ColumnFamily.Default, [k], [233, k]);
        }

        (await _kv.Api.RawPutAsync(new RawPutRequest { Key = Bytes(5), Value = Bytes(233, 5), Cf = ColumnFamily.Default })).Error.Should().BeEmpty();
        var response = await _kv.Api.RawScanAsync(new RawScanRequest { StartKey = Bytes(1), Limit = 10, Cf = ColumnFamily.Default });

        ScannedPairs(response).Should().Equal("1=233.1", "2=233.2", "3=233.3", "4=233.4", "5=233.5");
    }

    [Fact]
    public async Task RawScan_after_RawDelete_skips_the_deleted_key()
    {
        for (byte k = 1; k <= 4; k++)
        {
            await _kv.SetAsync(ColumnFamily.Default, [k], [233, k]);
        }

        (await _kv.Api.RawDeleteAsync(new RawDeleteRequest { Key = Bytes(3), Cf = ColumnFamily.Default })).Error.Should().BeEmpty();
        var response = await _kv.Api.RawScanAsync(new RawScanRequest { StartKey = Bytes(1), Limit = 10, Cf = ColumnFamily.Default });

        ScannedPairs(response).Should().Equal("1=233.1", "2=233.2", "4=233.4");
    }

    [Fact]
    public async Task Iterator_opened_before_RawDelete_still_sees_the_deleted_key()
    {
        for (byte k = 1; k <= 4; k++)
        {
            await _kv.SetAsync(ColumnFamily.Default, [k], [233, k]);
        }

        using var reader = await _kv.Storage.ReaderAsync(null);
        using var iterator = reader.IterCF(ColumnFamily.Default);
        (await _kv.Api.RawDeleteAsync(new RawDeleteRequest { Key = Bytes(3), Cf = ColumnFamily.Default })).Error.Should().BeEmpty();

        var seen = new List<byte>();
        for (iterator.Seek([1]); iterator.Valid; iterator.Next())
        {
            seen.Add(iterator.Item.Key.Single());
        }

        seen.Should().Equal(1, 2, 3, 4);
    }

    private static IEnumerable<string> ScannedPairs(RawScanResponse response) =>
        response.Kvs.Select(kv => $"{string.Join('.', kv.Key.ToByteArray())}={string.Join('.', kv.Value.ToByteArray())}");
}
