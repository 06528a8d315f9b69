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
    public void RawGet_with_an_unknown_column_family_answers_an_error()
    {
        var response = _kv.Api.RawGet(new RawGetRequest { Key = Bytes(1), Cf = "nope" });

        response.Error.Should().Contain("unknown column family").And.Contain("nope");
        response.Value.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void RawPut_with_an_unknown_column_family_answers_an_error_and_writes_nothing()
    {
        var response = _kv.Api.RawPut(new RawPutRequest { Key = Bytes(1), Value = Bytes(2), Cf = "nope" });

        response.Error.Should().Contain("unknown column family");
        ColumnFamily.All.Should().AllSatisfy(cf => _kv.Keys(cf).Should().BeEmpty());
    }

    [Fact]
    public void RawDelete_with_an_unknown_column_family_answers_an_error_and_deletes_nothing()
    {
        _kv.Set(ColumnFamily.Default, [1], [2]);

        var response = _kv.Api.RawDelete(new RawDeleteRequest { Key = Bytes(1), Cf = "nope" });

        response.Error.Should().Contain("unknown column family");
        _kv.Get(ColumnFamily.Default, [1]).Should().Equal(2);
    }

    [Fact]
    public void RawScan_with_an_unknown_column_family_answers_an_error()
    {
        _kv.Set(ColumnFamily.Default, [1], [2]);

        var response = _kv.Api.RawScan(new RawScanRequest { StartKey = Bytes(1), Limit = 10, Cf = "nope" });

        response.Error.Should().Contain("unknown column family");
        response.Kvs.Should().BeEmpty();
    }

    [Fact]
    public void RawPut_with_an_empty_key_answers_an_error_and_writes_nothing()
    {
        var response = _kv.Api.RawPut(new RawPutRequest { Value = Bytes(2), Cf = ColumnFamily.Default });

        response.Error.Should().Contain("key");
        _kv.Keys(ColumnFamily.Default).Should().BeEmpty();
    }

    [Fact]
    public void RawGet_with_an_empty_key_answers_an_error()
    {
        var response = _kv.Api.RawGet(new RawGetRequest { Cf = ColumnFamily.Default });

        response.Error.Should().Contain("key");
    }

    [Fact]
    public void RawDelete_with_an_empty_key_answers_an_error()
    {
        var response = _kv.Api.RawDelete(new RawDeleteRequest { Cf = ColumnFamily.Default });

        response.Error.Should().Contain("key");
    }

    [Fact]
    public void An_empty_column_family_name_means_default()
    {
        _kv.Api.RawPut(new RawPutRequest { Key = Bytes(7), Value = Bytes(8) }).Error.Should().BeEmpty();

        _kv.Get(ColumnFamily.Default, [7]).Should().Equal(8);
        _kv.Api.RawGet(new RawGetRequest { Key = Bytes(7) }).Value.ToByteArray().Should().Equal(8);
    }

    [Fact]
    public void RawScan_with_limit_zero_returns_nothing()
    {
        _kv.Set(ColumnFamily.Default, [1], [2]);

        var response = _kv.Api.RawScan(new RawScanRequest { StartKey = Bytes(1), Limit = 0, Cf = ColumnFamily.Default });

        response.Error.Should().BeEmpty();
        response.Kvs.Should().BeEmpty();
    }

    [Fact]
    public void RawScan_from_past_the_last_key_returns_nothing()
    {
        _kv.Set(ColumnFamily.Default, [1], [2]);

        var response = _kv.Api.RawScan(new RawScanRequest { StartKey = Bytes(9), Limit = 10, Cf = ColumnFamily.Default });

        response.Error.Should().BeEmpty();
        response.Kvs.Should().BeEmpty();
    }

    [Fact]
    public void RawScan_stays_inside_its_column_family()
    {
        _kv.Set(ColumnFamily.Default, [1], [10]);
        _kv.Set(ColumnFamily.Lock, [2], [20]);
        _kv.Set(ColumnFamily.Write, [3], [30]);

        var response = _kv.Api.RawScan(new RawScanRequest { StartKey = Bytes(0), Limit = 10, Cf = ColumnFamily.Lock });

        response.Kvs.Select(kv => kv.Key.ToByteArray().Single()).Should().Equal(2);
    }

}
