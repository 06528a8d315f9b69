using TinyKv.Scheduler.Storage;

namespace TinyKv.Scheduler.Tests.Support;

/// <summary>Clusters over an in-memory store and a hand-moved clock.</summary>
internal static class TestClusters
{
    public static Cluster Create(ManualLoop? loop = null, RecordingStreams? streams = null, ScheduleOptions? options = null)
    {
        var storage = new SchedulerStorage(new MemoryKv());
        return new Cluster(loop ?? new ManualLoop(), new IdAllocator(storage), options ?? new ScheduleOptions(), storage, streams);
    }
}
