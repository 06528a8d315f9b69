using FluentAssertions;
using TinyKv.Storage.Engine;
using TinyKv.Storage.RocksDb;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Storage.Tests;

public sealed class MemoryEngineTests : EngineContractTests
{
    protected override IKvEngine CreateEngine() => new MemoryEngine();
}

public sealed class RocksDbEngineTests : EngineContractTests
{
    private readonly TempDirectory _dir = new("tinykv-rocksdb");

    public override void Dispose()
    {
        base.Dispose();
        _dir.Dispose();
    }

    protected override IKvEngine CreateEngine() => RocksDbEngine.Open(_dir.Combine("db"));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Data_survives_closing_and_reopening(bool sync)
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [1]).Put(ColumnFamily.Write, [2], [2]), sync);
        Engine.Dispose();

        using var reopened = RocksDbEngine.Open(_dir.Combine("db"));

        reopened.Get(ColumnFamily.Default, [1]).Should().Equal(1);
        reopened.Get(ColumnFamily.Write, [2]).Should().Equal(2);
    }

    [Fact]
    public void A_directory_already_open_is_refused_naming_the_path()
    {
        _ = Engine;

        var act = () => RocksDbEngine.Open(_dir.Combine("db"));

        act.Should().Throw<IOException>().WithMessage($"*{_dir.Combine("db")}*");
    }
}
