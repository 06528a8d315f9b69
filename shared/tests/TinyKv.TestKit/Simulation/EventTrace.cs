using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TinyKv.TestKit.Simulation;

/// <summary>
/// The history of a simulated run, one line per event (time, kind, text): every line is
/// folded into a running SHA-256 <see cref="Hash"/>, so two runs with the same seed can be
/// compared event for event by one string, and the last lines are kept for failure reports.
/// </summary>
/// <remarks>
/// <para>
/// The hash is the SHA-256 of the UTF-8 of every line followed by a newline, in order. A line
/// is written once, as UTF-8, straight into a block of bytes; a full block is hashed in one
/// call and kept for <see cref="Tail"/> until newer blocks hold the retained lines. No string
/// is built for a line unless <see cref="Tail"/> asks for it (a run records a few hundred
/// thousand lines per wall second, and most are never read).
/// </para>
/// <para>Not thread-safe: the simulator's single loop records.</para>
/// </remarks>
public sealed class EventTrace : IDisposable
{
    private const int BlockBytes = 64 * 1024;
    private const int TimeWidth = 12;

    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly int _retainedLines;

    // Oldest first; the last one is being written. Each holds whole lines.
    private readonly List<Block> _blocks = [];
    private readonly Stack<Block> _spare = new();
    private Block _current;
    private string? _hash;

    /// <summary>Creates a trace that keeps the last <paramref name="retainedLines"/> lines (all lines feed the hash).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retainedLines"/> is not positive.</exception>
    public EventTrace(int retainedLines = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retainedLines);
        _retainedLines = retainedLines;
        _current = new Block(BlockBytes);
        _blocks.Add(_current);
    }

    /// <summary>How many lines were recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The SHA-256 of every line so far, lowercase hex.</summary>
    public string Hash
    {
        get
        {
            if (_hash is null)
            {
                HashPending();
                _hash = Convert.ToHexStringLower(_sha.GetCurrentHash());
            }

            return _hash;
        }
    }

    /// <summary>Appends one line: <paramref name="time"/> in microseconds (right-aligned in 12 characters), a short <paramref name="kind"/> ("send", "deliver"…) and free text.</summary>
    public void Record(long time, string kind, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Record(time, kind, text.AsSpan());
    }

    /// <summary>Appends one line whose text the caller formatted into a buffer of its own (no string is made for it); see <see cref="Record(long, string, string)"/>.</summary>
    public void Record(long time, string kind, ReadOnlySpan<char> text)
    {
        ArgumentNullException.ThrowIfNull(kind);

        // Room for the time (20 digits and a sign at most), two spaces, the newline, and the text
        // at its largest in UTF-8.
        var most = 24 + Encoding.UTF8.GetMaxByteCount(kind.Length) + Encoding.UTF8.GetMaxByteCount(text.Length);
        var span = Reserve(most);
        var written = WriteTime(span, time);
        span[written++] = (byte)' ';
        written += Encoding.UTF8.GetBytes(kind, span[written..]);
        span[written++] = (byte)' ';
        written += Encoding.UTF8.GetBytes(text, span[written..]);
        span[written++] = (byte)'\n';
        _current.EndLine(written);
        _hash = null;
        Count++;
    }

    /// <summary>The last <paramref name="lines"/> lines (fewer if fewer were recorded or retained), oldest first.</summary>
    public IReadOnlyList<string> Tail(int lines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        var n = (int)Math.Min(Math.Min(lines, Count), _retainedLines);
        var tail = new string[n];
        var filled = n;
        for (var b = _blocks.Count - 1; b >= 0 && filled > 0; b--)
        {
            var block = _blocks[b];
            for (var line = block.Lines - 1; line >= 0 && filled > 0; line--)
            {
                tail[--filled] = block.LineText(line);
            }
        }

        return tail;
    }

    /// <inheritdoc/>
    public void Dispose() => _sha.Dispose();

    // Writes the time as "{time,12}" does with the invariant culture: right-aligned, spaces before.
    private static int WriteTime(Span<byte> span, long time)
    {
        Span<byte> digits = stackalloc byte[24];
        time.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
        var pad = Math.Max(0, TimeWidth - length);
        span[..pad].Fill((byte)' ');
        digits[..length].CopyTo(span[pad..]);
        return pad + length;
    }

    // The free bytes of the current block, at least `most` of them: a full block is hashed and a
    // new one started (one as large as the line when the line is larger than a block).
    private Span<byte> Reserve(int most)
    {
        if (_current.Free < most)
        {
            HashPending();
            _current = _spare.TryPop(out var spare) && spare.Capacity >= most ? spare : new Block(Math.Max(BlockBytes, most));
            _current.Reset();
            _blocks.Add(_current);
            DropBlocksNotNeededForTail();
        }

        return _current.FreeSpan;
    }

    private void HashPending()
    {
        var pending = _current.Unhashed;
        if (!pending.IsEmpty)
        {
            _sha.AppendData(pending);
            _current.MarkHashed();
        }
    }

    // Keeps the oldest block only while the newer ones hold fewer than the retained lines.
    private void DropBlocksNotNeededForTail()
    {
        while (_blocks.Count > 1 && LinesAfterOldestBlock() >= _retainedLines)
        {
            var oldest = _blocks[0];
            _blocks.RemoveAt(0);
            if (oldest.Capacity == BlockBytes)
            {
                _spare.Push(oldest);
            }
        }
    }

    private long LinesAfterOldestBlock()
    {
        long lines = 0;
        for (var b = 1; b < _blocks.Count; b++)
        {
            lines += _blocks[b].Lines;
        }

        return lines;
    }

    /// <summary>Whole lines of UTF-8, each ending in a newline, and where each starts.</summary>
    private sealed class Block(int capacity)
    {
        private readonly byte[] _bytes = new byte[capacity];
        private readonly List<int> _lineEnds = [];
        private int _hashed;

        public int Capacity => _bytes.Length;

        public int Lines => _lineEnds.Count;

        public int Length { get; private set; }

        public int Free => _bytes.Length - Length;

        public Span<byte> FreeSpan => _bytes.AsSpan(Length);

        public ReadOnlySpan<byte> Unhashed => _bytes.AsSpan(_hashed, Length - _hashed);

        public void EndLine(int bytes)
        {
            Length += bytes;
            _lineEnds.Add(Length);
        }

        public void MarkHashed() => _hashed = Length;

        public void Reset()
        {
            Length = 0;
            _hashed = 0;
            _lineEnds.Clear();
        }

        // The line without its newline.
        public string LineText(int line)
        {
            var start = line == 0 ? 0 : _lineEnds[line - 1];
            return Encoding.UTF8.GetString(_bytes, start, _lineEnds[line] - start - 1);
        }
    }
}
