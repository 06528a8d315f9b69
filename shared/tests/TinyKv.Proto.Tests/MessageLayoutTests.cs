using FluentAssertions;
using Google.Protobuf.Reflection;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Errorpb;
using TinyKv.Proto.Kvrpcpb;
using Xunit;

namespace TinyKv.Proto.Tests;

/// <summary>Field numbers and enum values that existing TinyKV clients and tools depend on.</summary>
public sealed class MessageLayoutTests
{
    [Fact]
    public void RawScanRequest_numbers_start_key_limit_and_cf_as_the_original()
    {
        var layout = Layout(RawScanRequest.Descriptor);

        layout.Should().Equal(
            "context = 1 : Message",
            "start_key = 2 : Bytes",
            "limit = 3 : UInt32",
            "cf = 4 : String");
    }

    [Fact]
    public void Context_skips_field_four_and_carries_term_as_five()
    {
        var layout = Layout(Context.Descriptor);

        layout.Should().Equal(
            "region_id = 1 : UInt64",
            "region_epoch = 2 : Message",
            "peer = 3 : Message",
            "term = 5 : UInt64");
    }

    [Fact]
    public void Region_error_leaves_field_six_unused()
    {
        var numbers = Error.Descriptor.Fields.InFieldNumberOrder().Select(field => field.FieldNumber);

        numbers.Should().Equal(1, 2, 3, 4, 5, 7, 8);
    }

    [Fact]
    public void Raft_message_types_keep_their_original_numbers_with_ten_unused()
    {
        var messageType = EraftpbReflection.Descriptor.FindTypeByName<EnumDescriptor>("MessageType");

        var values = messageType.Values.Select(value => $"{value.Name}={value.Number}");

        values.Should().Equal(
            "MsgHup=0", "MsgBeat=1", "MsgPropose=2", "MsgAppend=3", "MsgAppendResponse=4",
            "MsgRequestVote=5", "MsgRequestVoteResponse=6", "MsgSnapshot=7", "MsgHeartbeat=8",
            "MsgHeartbeatResponse=9", "MsgTransferLeader=11", "MsgTimeoutNow=12");
    }

    [Fact]
    public void Raft_message_carries_entries_as_repeated_field_seven()
    {
        var entries = Message.Descriptor.FindFieldByName("entries");

        (entries.FieldNumber, entries.IsRepeated, entries.MessageType.FullName).Should().Be((7, true, "eraftpb.Entry"));
    }

    [Fact]
    public void Transaction_timestamps_are_unsigned_64_bit()
    {
        var versionFields = new[]
        {
            GetRequest.Descriptor.FindFieldByName("version"),
            PrewriteRequest.Descriptor.FindFieldByName("start_version"),
            CommitRequest.Descriptor.FindFieldByName("commit_version"),
            CheckTxnStatusRequest.Descriptor.FindFieldByName("lock_ts"),
        };

        versionFields.Should().OnlyContain(field => field.FieldType == FieldType.UInt64);
    }

    private static string[] Layout(MessageDescriptor message) =>
        message.Fields.InFieldNumberOrder()
            .Select(field => $"{field.Name} = {field.FieldNumber} : {field.FieldType}")
            .ToArray();
}
