using FluentAssertions;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.RaftStore;
using Xunit;

namespace TinyKv.MultiRaft.Tests.Store;

/// <summary>
/// Which half of a region's epoch each kind of command is checked against, and when an epoch
/// is stale (ungraded, like the original's epoch unit tests).
/// </summary>
public sealed class RegionEpochsTests
{
    private static readonly Region Current = new() { Id = 7, RegionEpoch = new RegionEpoch { ConfVer = 5, Version = 9 } };

    public static TheoryData<AdminCmdType?, bool, bool> Halves => new()
    {
        // command (null: a normal request), refused on a conf_ver change, refused on a version change
        { null, false, true },
        { AdminCmdType.CompactLog, false, false },
        { AdminCmdType.ChangePeer, true, false },
        { AdminCmdType.Split, true, true },
        { AdminCmdType.TransferLeader, true, true },
    };

    [Theory]
    [MemberData(nameof(Halves))]
    public void Each_command_is_checked_against_the_halves_of_the_epoch_it_depends_on(AdminCmdType? command, bool confVerMatters, bool versionMatters)
    {
        Check(command, new RegionEpoch { ConfVer = 5, Version = 9 }).Should().BeNull("the epochs are equal");
        (Check(command, new RegionEpoch { ConfVer = 4, Version = 9 }) is not null).Should().Be(confVerMatters, "conf_ver 4 against 5");
        (Check(command, new RegionEpoch { ConfVer = 6, Version = 9 }) is not null).Should().Be(confVerMatters, "a newer conf_ver is no match either");
        (Check(command, new RegionEpoch { ConfVer = 5, Version = 8 }) is not null).Should().Be(versionMatters, "version 8 against 9");
    }

    [Fact]
    public void An_epoch_mismatch_names_the_current_region_only_when_asked()
    {
        var withRegion = Check(null, new RegionEpoch { ConfVer = 5, Version = 8 }, includeRegion: true)!;
        withRegion.EpochNotMatch.Should().NotBeNull();
        withRegion.EpochNotMatch.CurrentRegions.Should().ContainSingle().Which.Should().Be(Current);
        withRegion.Message.Should().Contain("version 8").And.Contain("version 9");

        Check(null, new RegionEpoch { ConfVer = 5, Version = 8 }, includeRegion: false)!.EpochNotMatch.CurrentRegions.Should().BeEmpty();
    }

    [Fact]
    public void A_request_without_an_epoch_is_refused_unless_the_command_checks_none()
    {
        var request = new RaftCmdRequest { Header = new RaftRequestHeader { RegionId = 7 } };
        RegionEpochs.Check(request, Current, includeRegion: true).Should().NotBeNull();
        RegionEpochs.Check(request, Current, includeRegion: true)!.EpochNotMatch.Should().BeNull("a missing epoch is a malformed request, not a stale one");

        request.AdminRequest = new AdminRequest { CmdType = AdminCmdType.CompactLog };
        RegionEpochs.Check(request, Current, includeRegion: true).Should().BeNull();
    }

    [Theory]
    [InlineData(5, 9, false)]
    [InlineData(4, 9, true)]
    [InlineData(5, 8, true)]
    [InlineData(6, 8, true)]
    [InlineData(4, 10, true)]
    [InlineData(6, 10, false)]
    public void An_epoch_is_stale_when_either_half_is_older(ulong confVer, ulong version, bool stale) =>
        RegionEpochs.IsStale(new RegionEpoch { ConfVer = confVer, Version = version }, Current.RegionEpoch).Should().Be(stale);

    private static Proto.Errorpb.Error? Check(AdminCmdType? command, RegionEpoch epoch, bool includeRegion = true)
    {
        var request = new RaftCmdRequest { Header = new RaftRequestHeader { RegionId = 7, RegionEpoch = epoch } };
        if (command is { } type)
        {
            request.AdminRequest = new AdminRequest { CmdType = type };
        }

        return RegionEpochs.Check(request, Current, includeRegion);
    }
}
