using FluentAssertions;
using TinyKv.Course.Hints;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.TestKit;
using TinyKv.TestKit.Linearizability;
using Xunit;

namespace TinyKv.Course.Tests;

/// <summary>
/// The course's table of hints keyed to failures (<c>course/hints.json</c>): each signature
/// matches the failure it is about, as the tests and the test kit word it, and nothing else.
/// </summary>
public sealed class FailureHintsTests : IDisposable
{
    private static readonly FailureHints s_course = FailureHints.LoadFrom(CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory));
    private readonly TempDirectory _dir = new("tinykv-hints");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("two-leaders", "TinyKv.TestKit.RaftStore.InvariantViolationException : region 1 has two leaders in term 7: peer 2 on store 2 and peer 3 on store 3")]
    [InlineData("commit-moved-back", "InvariantViolationException : [region 1] peer 1 (store 1): the committed index moved back from 12 to 9")]
    [InlineData("applied-differently", "region 1 index 14: store 3 applied an entry of term 2 (40 bytes), store 1 applied one of term 3 (38 bytes)")]
    [InlineData("applied-before-persisted", "region 1 index 5: store 1 applied an entry of term 2 that its raft engine does not hold; entries are applied only after the write that persists them")]
    [InlineData("network-not-quiet", "TinyKv.Raft.Testing.NetworkNotQuietException : the test network did not go quiet: one Send delivered 10000 messages and 3 were still waiting.")]
    [InlineData("lock-left-behind", "Expected Storage.Len(ColumnFamily.Lock) to be 0 because the lock column family (one lock per locked key) should hold 0 entries at this point, but found 1.")]
    public void A_failure_message_gets_the_hint_of_its_signature(string id, string message)
    {
        var hint = s_course.For(Failed(message));

        hint.Should().NotBeNull();
        hint!.Signature.Id.Should().Be(id);
        hint.ToString().Should().Contain($"see docs/{hint.Signature.Page}.md, '{hint.Signature.Section}'");
    }

    [Fact]
    public void A_history_the_checker_finds_not_linearizable_gets_the_hint_with_its_window()
    {
        var history = new KvHistory(
        [
            new KvOperation(0, 1, KvInput.Put("x", "1"), KvOutput.None, 0, 10),
            new KvOperation(1, 2, KvInput.Get("x"), KvOutput.Read("never written"), 20, 25),
        ]);
        var report = LinearizabilityChecker.Check(history);
        report.Result.Should().Be(CheckResult.Illegal);

        var hint = s_course.For(Failed($"the clients' history (seed 5) is not linearizable (checker: Illegal)\n{report}"));

        hint!.Signature.Id.Should().Be("not-linearizable");
        hint.Text.Should().Contain("key \"x\": 2 operations on this key").And.NotContain("{quote}");
    }

    [Fact]
    public void A_test_stopped_in_an_unwritten_slot_gets_the_slot_and_its_section()
    {
        var todo = Todo.Slot("2B", "propose the request to Raft; see the 2B handout, 'Proposals'");

        var hint = s_course.For(new TestResult("2B", "Basic2BTests.Basic", TestOutcome.NotStarted, TimeSpan.Zero, $"{todo.GetType().FullName} : {todo.Message}\n   at Peer.Propose()"));

        hint!.Signature.Id.Should().Be("not-started");
        hint.Text.Should().EndWith("(here: TODO(2B): propose the request to Raft; see the 2B handout, 'Proposals')");
    }

    [Fact]
    public void A_test_that_ran_out_of_time_gets_the_timeout_hint_whatever_its_output()
    {
        var hint = s_course.For(new TestResult("2AB", "ElectionTests.X", TestOutcome.TimedOut, TimeSpan.FromSeconds(10), "has two leaders in term 3"));

        hint!.Signature.Id.Should().Be("timed-out");
    }

    [Fact]
    public void A_passed_test_or_an_unknown_failure_gets_no_hint()
    {
        s_course.For(new TestResult("1", "RawApiTests.Get", TestOutcome.Passed, TimeSpan.Zero, "")).Should().BeNull();
        s_course.For(Failed("Expected value to be 3, but found 4.")).Should().BeNull();
    }

    [Fact]
    public void Every_signature_names_a_docs_page_that_exists()
    {
        var root = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);

        s_course.Signatures.Should().HaveCountGreaterThan(6);
        foreach (var signature in s_course.Signatures)
        {
            File.Exists(Path.Combine(root, "docs", signature.Page + ".md")).Should().BeTrue($"hint '{signature.Id}' names docs/{signature.Page}.md");
        }
    }

    [Theory]
    [InlineData("{", "not a valid hints table")]
    [InlineData("{}", "'hints' is missing")]
    [InlineData("""{"hints": [{"id": "a", "title": "t", "hint": "h", "page": "p", "section": "s"}]}""", "hints[0] ('a'): give one of 'match'")]
    [InlineData("""{"hints": [{"id": "a", "title": "t", "hint": "h", "page": "p", "section": "s", "match": "x", "outcome": "TimedOut"}]}""", "give one of 'match'")]
    [InlineData("""{"hints": [{"id": "a", "title": "t", "hint": "h", "page": "p", "section": "s", "outcome": "Passed"}]}""", "'outcome' must be NotStarted, TimedOut or Crashed")]
    [InlineData("""{"hints": [{"id": "a", "title": "t", "hint": "h", "page": "p", "section": "s", "match": "("}]}""", "'match' is not a regular expression")]
    [InlineData("""{"hints": [{"id": "a", "title": "t", "hint": "h", "page": "p", "match": "x"}]}""", "'section' is missing")]
    [InlineData("""{"hints": [{"id": "a", "title": "t", "hint": "h", "page": "p", "section": "s", "match": "x"}, {"id": "a", "title": "t", "hint": "h", "page": "p", "section": "s", "match": "y"}]}""", "the id 'a' is used twice")]
    public void A_broken_table_is_refused_with_what_is_wrong(string json, string expected)
    {
        var path = Path.Combine(_dir.Path, "hints.json");
        File.WriteAllText(path, json);

        var act = () => FailureHints.Load(path);

        act.Should().Throw<ManifestException>().WithMessage($"*{expected}*");
    }

    private static TestResult Failed(string output) => new("2B", "Basic2BTests.Basic", TestOutcome.Failed, TimeSpan.FromSeconds(1), output);
}
