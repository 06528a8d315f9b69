using FluentAssertions;
using TinyKv.Storage.Engine;
using TinyKv.Storage.RocksDb;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Storage.Tests;

/// <summary>
/// The engine contract, held against the RocksDB engine of real servers, plus what only a
/// durable engine promises: data outlives the process's handle on it, and one directory has
/// one owner. Each test gets its own temporary directory, removed after the engine closes.
/// </summary>
public sealed class RocksDbEngineTests : EngineContractTests
{
    private readonly TempDirectory _dir = new("tinykv-rocksdb");

    private string DbPath => _dir.Combine("db");

    public override void Dispose()
    {
        base.Dispose();
        _dir.Dispose();
    }

    protected override IKvEngine CreateEngine() => RocksDbEngine.Open(DbPath);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Data_in_every_column_family_survives_closing_and_reopening(bool sync)
    {
        Engine.Write(
            new WriteBatch()
                .Put(ColumnFamily.Default, [1], [1])
                .Put(ColumnFamily.Lock, [1], [2])
                .Put(ColumnFamily.Write, [1], [3]),
            sync);
        Engine.Dispose();

        using var reopened = RocksDbEngine.Open(DbPath);

        ColumnFamily.All.Select(cf => reopened.Get(cf, [1])![0]).Should().Equal(1, 2, 3);
    }

    [Fact]
    public void A_delete_survives_closing_and_reopening()
    {
        Put(ColumnFamily.Default, [1], [1]);
        Engine.Write(new WriteBatch().Delete(ColumnFamily.Default, [1]), sync: true);
        Engine.Dispose();

        using var reopened = RocksDbEngine.Open(DbPath);

        reopened.Get(ColumnFamily.Default, [1]).Should().BeNull();
    }

    [Fact]
    public void Opening_a_directory_already_open_fails_naming_the_path()
    {
        _ = Engine;

        var act = () => RocksDbEngine.Open(DbPath);

        act.Should().Throw<IOException>().WithMessage($"*{DbPath}*");
    }

    [Fact]
    public void Open_creates_missing_directories()
    {
        var nested = _dir.Combine("a", "b", "db");

        using var engine = RocksDbEngine.Open(nested);

        Directory.Exists(nested).Should().BeTrue();
    }
}
