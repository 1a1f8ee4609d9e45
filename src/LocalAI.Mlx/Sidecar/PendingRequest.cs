using System.Threading.Channels;

namespace LocalAI.Mlx;

/// <summary>The lines that answer one request, in order; the final line or a failure ends them.</summary>
internal sealed class PendingRequest
{
    private readonly Channel<SidecarMessage> _lines = Channel.CreateUnbounded<SidecarMessage>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private Exception? _failure;

    public bool IsCompleted { get; private set; }

    public ChannelReader<SidecarMessage> Lines => _lines.Reader;

    public Exception? Failure => Volatile.Read(ref _failure);

    public void Deliver(SidecarMessage message)
    {
        _lines.Writer.TryWrite(message);
        if (message.IsFinal)
        {
            IsCompleted = true;
            _lines.Writer.TryComplete();
        }
    }

    public void Fail(Exception failure)
    {
        Interlocked.CompareExchange(ref _failure, failure, null);
        _lines.Writer.TryComplete();
    }
}
