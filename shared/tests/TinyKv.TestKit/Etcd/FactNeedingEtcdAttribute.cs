using Xunit;

namespace TinyKv.TestKit.Etcd;

/// <summary>
/// A fact that needs an etcd binary: skipped, saying why, where etcd is not installed, unless
/// <c>TINYKV_REQUIRE_ETCD=1</c> (CI sets it), which makes it run and fail with how to install etcd.
/// </summary>
public sealed class FactNeedingEtcdAttribute : FactAttribute
{
    public FactNeedingEtcdAttribute()
    {
        if (EtcdServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
