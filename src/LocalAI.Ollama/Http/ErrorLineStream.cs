using System.Text;

namespace LocalAI.Ollama;

/// <summary>A read-only view of a streamed Ollama response that passes each line on only once it is complete and checked: a line that is Ollama's error object fails the read with <see cref="OllamaErrorLineException"/> instead of reaching the reader.</summary>
internal sealed class ErrorLineStream(Stream inner) : Stream
{
    /// <summary>A line longer than this is passed on unchecked (an error object is short).</summary>
    private const int MaxCheckedLine = 64 * 1024;

    private readonly byte[] _chunk = new byte[8192];
    private readonly MemoryStream _line = new();
    private byte[] _ready = [];
    private int _readyOffset;
    private bool _passingLongLine;
    private bool _ended;
    private OllamaErrorLineException? _error;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_readyOffset < _ready.Length)
            {
                var n = Math.Min(buffer.Length, _ready.Length - _readyOffset);
                _ready.AsMemory(_readyOffset, n).CopyTo(buffer);
                _readyOffset += n;
                return n;
            }

            if (_error is not null)
            {
                // The lines before the error line were passed on; the read after them fails.
                throw _error;
            }

            if (_ended)
            {
                if (_line.Length == 0)
                {
                    return 0;
                }

                Release(checkLine: !_passingLongLine);
                continue;
            }

            var read = await inner.ReadAsync(_chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _ended = true;
                continue;
            }

            Take(_chunk.AsSpan(0, read));
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _line.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Adds bytes read to the current line; each completed line is checked and made ready.</summary>
    private void Take(ReadOnlySpan<byte> bytes)
    {
        var ready = new MemoryStream();
        while (!bytes.IsEmpty && _error is null)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var part = newline < 0 ? bytes : bytes[..(newline + 1)];
            _line.Write(part);
            bytes = bytes[part.Length..];
            if (newline >= 0)
            {
                AppendLine(ready, checkLine: !_passingLongLine);
                _passingLongLine = false;
            }
            else if (_line.Length > MaxCheckedLine)
            {
                AppendLine(ready, checkLine: false);
                _passingLongLine = true;
            }
        }

        _ready = ready.ToArray();
        _readyOffset = 0;
    }

    private void Release(bool checkLine)
    {
        var ready = new MemoryStream();
        AppendLine(ready, checkLine);
        _ready = ready.ToArray();
        _readyOffset = 0;
    }

    private void AppendLine(MemoryStream ready, bool checkLine)
    {
        var line = _line.GetBuffer().AsSpan(0, (int)_line.Length);
        if (checkLine && line.IndexOf("\"error\""u8) >= 0 && OllamaErrorLineException.TryReadError(Encoding.UTF8.GetString(line)) is { } error)
        {
            _error = new OllamaErrorLineException(error);
            _line.SetLength(0);
            return;
        }

        ready.Write(line);
        _line.SetLength(0);
    }
}
