using FluentAssertions;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage.Engine;
using TinyKv.TestKit;
using Xunit;
using static TinyKv.Standalone.Tests.StandaloneFixture;

namespace TinyKv.Standalone.Tests;

/// <summary>
/// Bad requests get an answer in the response's error field, never an exception, and change
/// nothing; edge cases of the protocol behave as clients expect.
/// </summary>
[Milestone("1")]
public sealed class RawApiBadInputTests : IDisposable
{
    private readonly StandaloneFixture _kv = new();

    public void Dispose() => _kv.Dispose();

    [Fact]
    public async Task RawGet_with_an_unknown_column_family_answers_an_error()
    {
        var response = await _kv.Api.RawGetAsync(new RawGetRequest { Key = Bytes(1), Cf = "nope" });

        response.Error.Should().Contain("unknown column family").And.Contain("nope");
        response.Value.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public async Task RawPut_with_an_unknown_column_family_answers_an_error_and_writes_nothing()
    {
        var response = await _kv.Api.RawPutAsync(new RawPutRequest { Key = Bytes(1), Value = Bytes(2), Cf = "nope" });

        response.Error.Should().Contain("unknown column family");
        foreach (var cf in ColumnFamily.All)
        {
            (await _kv.KeysAsync(cf)).Should().BeEmpty();
        }
    }

    [Fact]
    public async Task RawDelete_with_an_unknown_column_family_answers_an_error_and_deletes_nothing()
    {
        await _kv.SetAsync(ColumnFamily.Default, [1], [2]);

        var response = await _kv.Api.RawDeleteAsync(new RawDeleteRequest { Key = Bytes(1), Cf = "nope" });

        response.Error.Should().Contain("unknown column family");
        (await _kv.GetAsync(ColumnFamily.Default, [1])).Should().Equal(2);
    }

    [Fact]
    public async Task RawScan_with_an_unknown_column_family_answers_an_error()
    {
        await _kv.SetAsync(ColumnFamily.Default, [1], [2]);

        var response = await _kv.Api.RawScanAsync(new RawScanRequest { StartKey = Bytes(1), Limit = 10, Cf = "nope" });

        response.Error.Should().Contain("unknown column family");
        response.Kvs.Should().BeEmpty();
    }

    [Fact]
    public async Task RawPut_with_an_empty_key_answers_an_error_and_writes_nothing()
    {
        var response = await _kv.Api.RawPutAsync(new RawPutRequest { Value = Bytes(2), Cf = ColumnFamily.Default });

        response.Error.Should().Contain("key");
        (await _kv.KeysAsync(ColumnFamily.Default)).Should().BeEmpty();
    }

    [Fact]
    public async Task RawGet_with_an_empty_key_answers_an_error()
    {
        var response = await _kv.Api.RawGetAsync(new RawGetRequest { Cf = ColumnFamily.Default });

        response.Error.Should().Contain("key");
    }

    [Fact]
    public async Task RawDelete_with_an_empty_key_answers_an_error()
    {
        var response = await _kv.Api.RawDeleteAsync(new RawDeleteRequest { Cf = ColumnFamily.Default });

        response.Error.Should().Contain("key");
    }

    [Fact]
    public async Task An_empty_column_family_name_means_default()
    {
        (await _kv.Api.RawPutAsync(new RawPutRequest { Key = Bytes(7), Value = Bytes(8) })).Error.Should().BeEmpty();

        (await _kv.GetAsync(ColumnFamily.Default, [7])).Should().Equal(8);
        (await _kv.Api.RawGetAsync(new RawGetRequest { Key = Bytes(7) })).Value.ToByteArray().Should().Equal(8);
    }

    [Fact]
    public async Task RawScan_with_limit_zero_returns_nothing()
    {
        await _kv.SetAsync(ColumnFamily.Default, [1], [2]);

        var response = await _kv.Api.RawScanAsync(new RawScanRequest { StartKey = Bytes(1), Limit = 0, Cf = ColumnFamily.Default });

        response.Error.Should().BeEmpty();
        response.Kvs.Should().BeEmpty();
    }

    [Fact]
    public async Task RawScan_from_past_the_last_key_returns_nothing()
    {
        await _kv.SetAsync(ColumnFamily.Default, [1], [2]);

        var response = await _kv.Api.RawScanAsync(new RawScanRequest { StartKey = Bytes(9), Limit = 10, Cf = ColumnFamily.Default });

        response.Error.Should().BeEmpty();
        response.Kvs.Should().BeEmpty();
    }

    [Fact]
    public async Task RawScan_stays_inside_its_column_family()
    {
        await _kv.SetAsync(ColumnFamily.Default, [1], [10]);
        await _kv.SetAsync(ColumnFamily.Lock, [2], [20]);
        await _kv.SetAsync(ColumnFamily.Write, [3], [30]);

        var response = await _kv.Api.RawScanAsync(new RawScanRequest { StartKey = Bytes(0), Limit = 10, Cf = ColumnFamily.Lock });

        response.Kvs.Select(kv => kv.Key.ToByteArray().Single()).Should().Equal(2);
    }

}
