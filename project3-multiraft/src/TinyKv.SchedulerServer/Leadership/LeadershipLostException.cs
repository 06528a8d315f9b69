namespace TinyKv.SchedulerServer.Leadership;

/// <summary>
/// This member stopped leading (its lease ran out, another member's leader key is in etcd, or
/// the server stops) before what a request wrote was durable. The service answers such a
/// request like any request off the leader: <c>UNAVAILABLE</c>, "not leader".
/// </summary>
public sealed class LeadershipLostException : Exception
{
    public LeadershipLostException()
        : base("not leader")
    {
    }

    public LeadershipLostException(string message)
        : base(message)
    {
    }

    public LeadershipLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
