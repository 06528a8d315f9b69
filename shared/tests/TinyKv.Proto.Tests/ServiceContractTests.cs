using FluentAssertions;
using Google.Protobuf.Reflection;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Proto.Tinykvpb;
using Xunit;

namespace TinyKv.Proto.Tests;

/// <summary>The rpc names and shapes that TinyKV clients, servers and the scheduler call each other by.</summary>
public sealed class ServiceContractTests
{
    private static readonly ServiceDescriptor TinyKvService = TinykvpbReflection.Descriptor.Services.Single();
    private static readonly ServiceDescriptor SchedulerService = SchedulerpbReflection.Descriptor.Services.Single();

    [Fact]
    public void TinyKv_service_keeps_its_original_full_name()
    {
        TinyKvService.FullName.Should().Be("tinykvpb.TinyKv");
    }

    [Fact]
    public void TinyKv_service_offers_the_raw_transactional_and_raft_rpcs_and_no_coprocessor()
    {
        var names = TinyKvService.Methods.Select(method => method.Name);

        names.Should().BeEquivalentTo(
            "KvGet", "KvScan", "KvPrewrite", "KvCommit", "KvCheckTxnStatus", "KvBatchRollback", "KvResolveLock",
            "RawGet", "RawPut", "RawDelete", "RawScan",
            "Raft", "Snapshot");
    }

    [Theory]
    [InlineData("RawGet", "kvrpcpb.RawGetRequest", "kvrpcpb.RawGetResponse")]
    [InlineData("RawScan", "kvrpcpb.RawScanRequest", "kvrpcpb.RawScanResponse")]
    [InlineData("KvGet", "kvrpcpb.GetRequest", "kvrpcpb.GetResponse")]
    [InlineData("KvPrewrite", "kvrpcpb.PrewriteRequest", "kvrpcpb.PrewriteResponse")]
    [InlineData("KvCheckTxnStatus", "kvrpcpb.CheckTxnStatusRequest", "kvrpcpb.CheckTxnStatusResponse")]
    public void Unary_TinyKv_rpc_takes_and_returns_the_original_message_types(string rpc, string request, string response)
    {
        var method = TinyKvService.FindMethodByName(rpc);

        method.Should().NotBeNull();
        (method.InputType.FullName, method.OutputType.FullName, method.IsClientStreaming, method.IsServerStreaming)
            .Should().Be((request, response, false, false));
    }

    [Theory]
    [InlineData("Raft", "raft_serverpb.RaftMessage")]
    [InlineData("Snapshot", "raft_serverpb.SnapshotChunk")]
    public void Store_to_store_rpc_is_a_client_stream_answered_by_Done(string rpc, string streamed)
    {
        var method = TinyKvService.FindMethodByName(rpc);

        method.Should().NotBeNull();
        (method.InputType.FullName, method.OutputType.FullName, method.IsClientStreaming, method.IsServerStreaming)
            .Should().Be((streamed, "raft_serverpb.Done", true, false));
    }

    [Fact]
    public void Scheduler_service_keeps_its_original_full_name_and_rpc_count()
    {
        (SchedulerService.FullName, SchedulerService.Methods.Count).Should().Be(("schedulerpb.Scheduler", 21));
    }

    [Theory]
    [InlineData("Tso")]
    [InlineData("RegionHeartbeat")]
    public void Scheduler_streaming_rpc_streams_both_ways(string rpc)
    {
        var method = SchedulerService.FindMethodByName(rpc);

        method.Should().NotBeNull();
        (method.IsClientStreaming, method.IsServerStreaming).Should().Be((true, true));
    }

    [Fact]
    public void Generated_server_base_exists_for_both_services()
    {
        // Inside the TinyKv.* namespaces a bare "TinyKv" means the root namespace, so the
        // generated service class is reached through its package namespace.
        var bases = new[] { typeof(Tinykvpb.TinyKv.TinyKvBase), typeof(Scheduler.SchedulerBase) };

        bases.Should().OnlyContain(type => type.IsAbstract && type.IsNestedPublic);
    }
}
