namespace TinyKv.TestKit.Transactions;

/// <summary>A scenario run by a <see cref="StepScheduler"/> failed; the message names the seed to replay and shows the last steps.</summary>
public sealed class ScenarioFailedException : Exception
{
    public ScenarioFailedException()
    {
    }

    public ScenarioFailedException(string message)
        : base(message)
    {
    }

    public ScenarioFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
