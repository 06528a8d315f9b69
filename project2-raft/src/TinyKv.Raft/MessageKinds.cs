using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

/// <summary>Classifies message types the way Raft and RawNode need to.</summary>
public static class MessageKinds
{
    /// <summary>A message a node sends to itself (MsgHup, MsgBeat); never valid over the network.</summary>
    public static bool IsLocal(MessageType type) => type is MessageType.MsgHup or MessageType.MsgBeat;

    /// <summary>A response to one of the leader's or candidate's requests.</summary>
    public static bool IsResponse(MessageType type) =>
        type is MessageType.MsgAppendResponse or MessageType.MsgRequestVoteResponse or MessageType.MsgHeartbeatResponse;
}
