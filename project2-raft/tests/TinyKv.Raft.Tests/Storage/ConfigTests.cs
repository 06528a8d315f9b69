using FluentAssertions;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.Storage;

/// <summary>
/// The contract of the given <see cref="Config.Validate"/>: every configuration Raft cannot run
/// with is refused with an <see cref="ArgumentException"/> naming the field, and a sound one is
/// accepted. Not graded (students do not write this code).
/// </summary>
public sealed class ConfigTests
{
    [Fact]
    public void A_sound_configuration_is_accepted()
    {
        var config = Valid();

        config.Invoking(c => c.Validate()).Should().NotThrow("id 1, election 10 over heartbeat 1, a storage and a generator are all Raft needs");
    }

    [Fact]
    public void The_smallest_sound_timeouts_and_no_peers_are_accepted()
    {
        // Election one tick longer than the heartbeat; no peers, as on a restart.
        var config = Valid(election: 2, heartbeat: 1, peers: []);

        config.Invoking(c => c.Validate()).Should().NotThrow("an election of 2 ticks over a heartbeat of 1 is sound, and a restart leaves the peers empty");
    }

    [Fact]
    public void Id_zero_is_refused()
    {
        ShouldRefuse(Valid(id: RaftNode.None), nameof(Config.Id), "*cannot be 0*", "0 is RaftNode.None, the id of nobody");
    }

    [Fact]
    public void A_heartbeat_of_zero_or_fewer_ticks_is_refused()
    {
        foreach (var heartbeat in new[] { 0, -1 })
        {
            ShouldRefuse(
                Valid(heartbeat: heartbeat),
                nameof(Config.HeartbeatTick),
                "*greater than 0*",
                $"a heartbeat every {heartbeat} ticks never fires");
        }
    }

    [Fact]
    public void An_election_timeout_no_longer_than_the_heartbeat_is_refused()
    {
        foreach (var (election, heartbeat) in new[] { (1, 1), (3, 5), (0, 1) })
        {
            ShouldRefuse(
                Valid(election: election, heartbeat: heartbeat),
                nameof(Config.ElectionTick),
                "*greater than Config.HeartbeatTick*",
                $"an election timeout of {election} ticks with heartbeats every {heartbeat} lets followers time out on a live leader");
        }
    }

    [Fact]
    public void A_missing_storage_is_refused()
    {
        var config = new Config { Id = 1, Peers = [1, 2, 3], ElectionTick = 10, HeartbeatTick = 1, Random = TestSeed.Stream(1) };

        ShouldRefuse(config, nameof(Config.Storage), "*Storage cannot be null*", "Raft reads its log and hard state from the storage");
    }

    [Fact]
    public void A_missing_random_generator_is_refused()
    {
        var config = new Config { Id = 1, Peers = [1, 2, 3], ElectionTick = 10, HeartbeatTick = 1, Storage = new MemoryStorage() };

        ShouldRefuse(
            config,
            nameof(Config.Random),
            "*Random cannot be null*seeded*",
            "election timeouts come from the seeded generator, so a run can be replayed");
    }

    [Fact]
    public void Missing_peers_are_refused()
    {
        var config = new Config
        {
            Id = 1,
            Peers = null!,
            ElectionTick = 10,
            HeartbeatTick = 1,
            Storage = new MemoryStorage(),
            Random = TestSeed.Stream(1),
        };

        ShouldRefuse(config, nameof(Config.Peers), "*Peers cannot be null*", "a restart passes an empty list, never null");
    }

    [Fact]
    public void A_raft_node_refuses_an_invalid_configuration()
    {
        var config = Valid(id: RaftNode.None);

        var start = () => new RaftNode(config);

        start.Should().Throw<ArgumentException>("a node must not start on a configuration Validate refuses")
            .Which.ParamName.Should().Be(nameof(Config.Id), "the exception names the field at fault");
    }

    private static void ShouldRefuse(Config config, string field, string messagePattern, string because)
    {
        var validate = () => config.Validate();

        var thrown = validate.Should().Throw<ArgumentException>("Validate must refuse it: {0}", because).Which;
        thrown.ParamName.Should().Be(field, "the exception should name the field at fault ({0})", because);
        thrown.Message.Should().Match(messagePattern, "the message should tell what is wrong with {0} ({1})", field, because);
    }

    /// <summary>A sound configuration for node <paramref name="id"/> of three, with the given timeouts and peers.</summary>
    private static Config Valid(ulong id = 1, int election = 10, int heartbeat = 1, IReadOnlyList<ulong>? peers = null) =>
        new()
        {
            Id = id,
            Peers = peers ?? [1, 2, 3],
            ElectionTick = election,
            HeartbeatTick = heartbeat,
            Storage = new MemoryStorage(),
            Random = TestSeed.Stream(id),
        };
}
