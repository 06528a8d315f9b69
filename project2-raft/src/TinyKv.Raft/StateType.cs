namespace TinyKv.Raft;

/// <summary>The role a node plays in its group.</summary>
public enum StateType
{
    /// <summary>Follows a leader; every node starts here.</summary>
    Follower,

    /// <summary>Asks for votes to become leader.</summary>
    Candidate,

    /// <summary>Accepts proposals and replicates the log.</summary>
    Leader,
}
