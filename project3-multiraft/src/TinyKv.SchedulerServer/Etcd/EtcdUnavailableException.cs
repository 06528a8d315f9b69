namespace TinyKv.SchedulerServer.Etcd;

/// <summary>The etcd endpoints given with <c>--etcd</c> did not answer in time when the server started.</summary>
public sealed class EtcdUnavailableException : Exception
{
    public EtcdUnavailableException()
        : base("etcd did not answer")
    {
    }

    public EtcdUnavailableException(string message)
        : base(message)
    {
    }

    public EtcdUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
