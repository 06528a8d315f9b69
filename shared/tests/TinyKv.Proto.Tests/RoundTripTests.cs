using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Proto.Metapb;
using Xunit;

namespace TinyKv.Proto.Tests;

/// <summary>Messages survive serialization, and encode to the bytes any protobuf peer expects.</summary>
public sealed class RoundTripTests
{
    [Fact]
    public void RawPutRequest_parses_back_to_an_equal_message()
    {
        var request = new RawPutRequest
        {
            Context = new Context
            {
                RegionId = 2,
                RegionEpoch = new RegionEpoch { ConfVer = 1, Version = 3 },
                Peer = new Peer { Id = 4, StoreId = 1 },
                Term = 6,
            },
            Key = ByteString.CopyFromUtf8("k1"),
            Value = ByteString.CopyFrom(0x00, 0xFF, 0x7F),
            Cf = "default",
        };

        var parsed = RawPutRequest.Parser.ParseFrom(request.ToByteArray());

        parsed.Should().Be(request);
    }

    [Fact]
    public void RawPutRequest_encodes_key_value_and_cf_under_fields_two_three_and_four()
    {
        var request = new RawPutRequest
        {
            Key = ByteString.CopyFromUtf8("k"),
            Value = ByteString.CopyFromUtf8("v"),
            Cf = "lock",
        };

        var bytes = request.ToByteArray();

        // Each field is a tag byte (number << 3 | wire type 2), a length and the payload.
        bytes.Should().Equal(
            0x12, 0x01, (byte)'k',
            0x1A, 0x01, (byte)'v',
            0x22, 0x04, (byte)'l', (byte)'o', (byte)'c', (byte)'k');
    }

    [Fact]
    public void Raft_message_with_entries_and_snapshot_parses_back_to_an_equal_message()
    {
        var message = new Message
        {
            MsgType = MessageType.MsgAppend,
            To = 2,
            From = 1,
            Term = 5,
            LogTerm = 4,
            Index = 10,
            Commit = 9,
            Reject = true,
            Snapshot = new TinyKv.Proto.Eraftpb.Snapshot
            {
                Data = ByteString.CopyFromUtf8("state"),
                Metadata = new SnapshotMetadata
                {
                    Index = 8,
                    Term = 3,
                    ConfState = new ConfState { Nodes = { 1, 2, 3 } },
                },
            },
            Entries =
            {
                new Entry { EntryType = EntryType.EntryNormal, Term = 5, Index = 11, Data = ByteString.CopyFromUtf8("put a") },
                new Entry { EntryType = EntryType.EntryConfChange, Term = 5, Index = 12, Data = new ConfChange { ChangeType = ConfChangeType.AddNode, NodeId = 4 }.ToByteString() },
            },
        };

        var parsed = Message.Parser.ParseFrom(message.ToByteArray());

        parsed.Should().Be(message);
    }

    [Fact]
    public void Conf_change_inside_an_entry_decodes_from_the_entry_data()
    {
        var change = new ConfChange { ChangeType = ConfChangeType.RemoveNode, NodeId = 7, Context = ByteString.CopyFromUtf8("why") };
        var entry = new Entry { EntryType = EntryType.EntryConfChange, Data = change.ToByteString() };

        var decoded = ConfChange.Parser.ParseFrom(Entry.Parser.ParseFrom(entry.ToByteArray()).Data);

        decoded.Should().Be(change);
    }
}
