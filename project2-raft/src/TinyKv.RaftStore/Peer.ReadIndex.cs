using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.RaftServerpb;

namespace TinyKv.RaftStore;

// Reads by ReadIndex (Raft dissertation §6.4), when the store's config asks for them
// (RaftStoreConfig.ReadIndexReads). The leader notes its commit index when reads arrive, sends a
// round of heartbeats, and answers the reads once a majority has answered one of those heartbeats
// and it has applied up to the noted index: no entry, no disk write, no apply for a read.
//
// Raft's heartbeat responses do not say which heartbeat they answer, and a network may drop,
// reorder or duplicate them, so the stores stamp them (RaftMessage.heartbeat_stamp): the leader
// numbers each round of reads and puts the number on its heartbeats; a follower's response
// carries the highest number it has received from that leader in the response's term. A
// response of the leader's term carrying stamp s was sent after the follower received a
// heartbeat sent after the reads of round s arrived, while the follower still knew no later
// term; a majority of such responses means no other leader could have committed anything
// before those reads arrived. The stamps are plain store code, whatever Raft the peers run.
public sealed partial class Peer
{
    private ulong _heartbeatStamp;
    private ulong _stampAckTerm;
    private readonly Dictionary<ulong, ulong> _stampAcks = [];
    private (ulong Leader, ulong Term, ulong Stamp) _heartbeatEcho;

    /// <summary>Puts the stamp on a heartbeat this leader sends, or the echo on a heartbeat response.</summary>
    private void StampHeartbeat(RaftMessage message)
    {
        var m = message.Message;
        if (m.MsgType == MessageType.MsgHeartbeat)
        {
            message.HeartbeatStamp = _heartbeatStamp;
        }
        else if (m.MsgType == MessageType.MsgHeartbeatResponse
            && _heartbeatEcho.Leader == m.To && _heartbeatEcho.Term == m.Term && m.Term == Term)
        {
            message.HeartbeatStamp = _heartbeatEcho.Stamp;
        }
    }

    /// <summary>
    /// Notes the stamp of a heartbeat (follower) or heartbeat response (leader) this peer has
    /// just stepped, when it is of the peer's current term.
    /// </summary>
    private void NoteHeartbeatStamp(RaftMessage message)
    {
        var m = message.Message;
        if (message.HeartbeatStamp == 0 || m.Term != Term)
        {
            return;
        }

        if (m.MsgType == MessageType.MsgHeartbeat && !IsLeader)
        {
            var known = _heartbeatEcho.Leader == m.From && _heartbeatEcho.Term == m.Term ? _heartbeatEcho.Stamp : 0;
            _heartbeatEcho = (m.From, m.Term, Math.Max(known, message.HeartbeatStamp));
        }
        else if (m.MsgType == MessageType.MsgHeartbeatResponse && IsLeader)
        {
            if (_stampAckTerm != Term)
            {
                _stampAcks.Clear();
                _stampAckTerm = Term;
            }

            _stampAcks[m.From] = Math.Max(_stampAcks.GetValueOrDefault(m.From), message.HeartbeatStamp);
        }
    }

#if TINYKV_REF_2B
    private readonly List<ReadIndexRound> _readIndexRounds = [];

    /// <summary>
    /// Whether this round's reads can go by ReadIndex: the config asks for it, and this leader
    /// has committed an entry of its own term, so its commit index covers everything committed
    /// before it led.
    /// </summary>
    private bool CanReadByIndex
    {
        get
        {
            if (!Context.Config.ReadIndexReads || !IsLeader)
            {
                return false;
            }

            var log = RaftGroup.Raft.RaftLog;
            return log.TryTerm(log.Committed, out var term) && term == Term;
        }
    }

    /// <summary>
    /// Queues <paramref name="reads"/> under a new stamp and the commit index, and sends a round
    /// of heartbeats; the round's <see cref="HandleRaftReady"/> answers them at once if this
    /// leader is the only voter.
    /// </summary>
    private void ReadByIndex(List<ReadCommand> reads)
    {
        _readIndexRounds.Add(new ReadIndexRound(Term, ++_heartbeatStamp, RaftGroup.Raft.RaftLog.Committed, Context.Scheduler.Now, reads));
        if (RaftGroup.Raft.Prs.Count > 1)
        {
            RaftGroup.Raft.Step(new Message { MsgType = MessageType.MsgBeat, From = PeerId, To = PeerId });
        }
    }

    /// <summary>
    /// Answers the queued reads whose round a majority confirmed once this peer applied up to
    /// the round's commit index; answers all of them NotLeader once it no longer leads in their
    /// term. Rounds are confirmed and applied in order, so the first that is not ends the pass.
    /// </summary>
    private void AnswerReadsByIndex()
    {
        while (_readIndexRounds.Count > 0)
        {
            var round = _readIndexRounds[0];
            if (!IsLeader || round.Term != Term)
            {
                AbortReadsByIndex(RegionErrors.NotLeader(RegionId, PeerFromCache(LeaderId)));
                return;
            }

            if (!ConfirmedByMajority(round.Stamp) || Storage.AppliedIndex < round.ReadIndex)
            {
                return;
            }

            _readIndexRounds.RemoveAt(0);
            foreach (var read in round.Reads)
            {
                AnswerRead(read);
            }
        }
    }

    /// <summary>
    /// Sends the reads of rounds no majority confirmed within an election timeout through the
    /// log: their heartbeats or the answers were lost, or the followers do not echo stamps (a
    /// store of the original protocol). The log needs no stamps.
    /// </summary>
    private void ReadLateRoundsThroughLog()
    {
        var timeout = Context.Config.RaftElectionTimeoutTicks * Context.Config.RaftBaseTickMicros;
        var late = new List<ReadCommand>();
        for (var i = _readIndexRounds.Count - 1; i >= 0; i--)
        {
            var round = _readIndexRounds[i];
            if (Context.Scheduler.Now - round.ArrivedMicros >= timeout && !ConfirmedByMajority(round.Stamp))
            {
                late.InsertRange(0, round.Reads);
                _readIndexRounds.RemoveAt(i);
            }
        }

        if (late.Count > 0)
        {
            ProposeReads(late, carrier: null);
        }
    }

    /// <summary>Whether this leader and a majority of the other voters answered heartbeats stamped <paramref name="stamp"/> or later, in this term.</summary>
    private bool ConfirmedByMajority(ulong stamp)
    {
        var voters = RaftGroup.Raft.Prs;
        var confirmed = voters.ContainsKey(PeerId) ? 1 : 0;
        if (_stampAckTerm == Term)
        {
            foreach (var id in voters.Keys)
            {
                if (id != PeerId && _stampAcks.GetValueOrDefault(id) >= stamp)
                {
                    confirmed++;
                }
            }
        }

        return confirmed * 2 > voters.Count;
    }

    /// <summary>Answers every read waiting for ReadIndex with <paramref name="error"/>.</summary>
    private void AbortReadsByIndex(Proto.Errorpb.Error error)
    {
        foreach (var read in _readIndexRounds.SelectMany(round => round.Reads))
        {
            read.Callback.Done(RegionErrors.Response(error, Term));
        }

        _readIndexRounds.Clear();
    }

    /// <summary>The reads of one round, waiting for a majority to confirm <paramref name="Stamp"/> and for the apply to reach <paramref name="ReadIndex"/>.</summary>
    private sealed record ReadIndexRound(ulong Term, ulong Stamp, ulong ReadIndex, long ArrivedMicros, List<ReadCommand> Reads);
#endif
}
