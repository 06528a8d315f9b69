namespace TinyKv;

/// <summary>
/// Marks a solution slot: a place where a student writes code. Every stub in the student
/// edition ends in <c>throw Todo.Slot("2AA", "…")</c>, so a test that reaches unwritten code
/// fails at once with a message naming the milestone and pointing into the handout.
/// </summary>
/// <example>
/// <code>
/// public void Tick()
/// {
/// #if TINYKV_REF_2AA
///     … reference code …
/// #else
///     throw Todo.Slot("2AA", "advance the election or heartbeat timer; see the 2A handout");
/// #endif
/// }
/// </code>
/// </example>
public static class Todo
{
    /// <summary>
    /// Returns (does not throw) the exception for an unwritten slot, so the call site reads
    /// <c>throw Todo.Slot(…)</c> and the compiler knows the method ends there.
    /// </summary>
    /// <param name="milestone">The milestone whose reference fills this slot, e.g. "1" or "2AB".</param>
    /// <param name="hint">What to build here and where the handout explains it.</param>
    /// <exception cref="ArgumentException">The milestone is not one of the course's milestones.</exception>
    public static TodoException Slot(string milestone, string hint)
    {
        if (!Milestones.IsKnown(milestone))
        {
            throw new ArgumentException(
                $"'{milestone}' is not a course milestone; use one of {string.Join(", ", Milestones.All)}.",
                nameof(milestone));
        }

        return new TodoException(milestone, hint);
    }

    /// <summary>
    /// Marks a quiet slot: an unwritten piece of a later milestone that code of an earlier
    /// milestone passes through. Its stub must not throw, or the earlier milestone's tests would
    /// fail on work that is not theirs (a new leader starts replication, a 2AB slot, while the
    /// 2AA election tests run). It does nothing; the tests of its own milestone fail on the
    /// missing behaviour instead.
    /// </summary>
    /// <param name="milestone">The milestone whose reference fills this slot.</param>
    /// <param name="hint">What to build here and where the handout explains it.</param>
    /// <exception cref="ArgumentException">The milestone is not one of the course's milestones.</exception>
    public static void Pending(string milestone, string hint)
    {
        ArgumentNullException.ThrowIfNull(hint);
        if (!Milestones.IsKnown(milestone))
        {
            throw new ArgumentException(
                $"'{milestone}' is not a course milestone; use one of {string.Join(", ", Milestones.All)}.",
                nameof(milestone));
        }
    }
}

/// <summary>
/// Thrown by a slot that has not been written yet. The grader reports a test that fails with
/// it as "not started" rather than as a failure of code the student wrote.
/// </summary>
public sealed class TodoException : Exception
{
    public TodoException()
        : this("?", "unwritten slot")
    {
    }

    public TodoException(string message)
        : this("?", message)
    {
    }

    public TodoException(string message, Exception innerException)
        : base(message, innerException)
    {
        Milestone = "?";
        Hint = message;
    }

    public TodoException(string milestone, string hint)
        : base($"TODO({milestone}): {hint}")
    {
        Milestone = milestone;
        Hint = hint;
    }

    /// <summary>The milestone this slot belongs to.</summary>
    public string Milestone { get; }

    /// <summary>What to build, in the handout's words.</summary>
    public string Hint { get; }
}
