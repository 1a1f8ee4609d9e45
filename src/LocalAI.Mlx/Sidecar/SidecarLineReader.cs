using System.Buffers;

namespace LocalAI.Mlx;

/// <summary>Splits the sidecar's stdout into lines without copying them, growing its buffer for long lines up to a limit.</summary>
internal static class SidecarLineReader
{
    /// <summary>Receives one line, without its newline; valid only during the call.</summary>
    public delegate void LineHandler(ReadOnlySpan<byte> line);

    /// <summary>Reads <paramref name="stream"/> to its end, handing each complete line to <paramref name="onLine"/>.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="maxLineBytes">The longest line accepted.</param>
    /// <param name="onLine">Receives each line.</param>
    /// <returns><see langword="true"/> at the end of the stream; <see langword="false"/> when a line grew beyond <paramref name="maxLineBytes"/> and reading stopped.</returns>
    public static async Task<bool> ReadAllAsync(Stream stream, int maxLineBytes, LineHandler onLine)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        end -= start;
                        start = 0;
                    }
                    else if (buffer.Length >= maxLineBytes)
                    {
                        return false;
                    }
                    else
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, end).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }

                var scanFrom = end;
                var read = await stream.ReadAsync(buffer.AsMemory(end)).ConfigureAwait(false);
                if (read == 0)
                {
                    return true;
                }

                end += read;
                while (true)
                {
                    var newline = buffer.AsSpan(scanFrom, end - scanFrom).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        break;
                    }

                    newline += scanFrom;
                    onLine(buffer.AsSpan(start, newline - start));
                    start = scanFrom = newline + 1;
                }

                if (start == end)
                {
                    start = end = 0;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
