using TinyKv.Course.Running;

namespace TinyKv.Grader;

/// <summary>
/// Reports progress on the caller's thread, at once (unlike <see cref="Progress{T}"/>, which posts
/// to a synchronization context and may run after the milestone has finished).
/// </summary>
internal sealed class SynchronousProgress(Action<TestProgress> report) : IProgress<TestProgress>
{
    public void Report(TestProgress value) => report(value);
}
