using System.Globalization;

namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// One operation of a client history: what was asked (<see cref="Input"/>), what came back
/// (<see cref="Output"/>), and when, in virtual microseconds. An operation whose
/// <see cref="ReturnTime"/> is null is <em>open</em>: its outcome is unknown (the request timed
/// out, or its client crashed), so it may take effect at any time after its call, or never.
/// </summary>
/// <param name="Id">Unique within its history; the recorder numbers operations 0, 1, 2… in call order.</param>
/// <param name="ClientId">The client that issued it (only shown in reports).</param>
/// <param name="Input">The request.</param>
/// <param name="Output">The answer; meaningless while the operation is open.</param>
/// <param name="CallTime">When the client sent the request.</param>
/// <param name="ReturnTime">When the client got the answer; null while open (return time +infinity).</param>
public sealed record KvOperation(int Id, int ClientId, KvInput Input, KvOutput Output, long CallTime, long? ReturnTime)
{
    /// <summary>True when the outcome is unknown (no return time).</summary>
    public bool IsOpen => ReturnTime is null;

    /// <summary>The operation as one report line, e.g. <c>client 3  [12.350ms .. 12.900ms]  put(k07, "x 3 5 y")</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"client {ClientId}  [{OperationText.Time(CallTime)} .. {OperationText.Time(ReturnTime)}]  {OperationText.Describe(this)}");
}
