using System.Threading.Channels;

namespace LocalAI.AspNetCore;

/// <summary>Receives a download's progress on the reporting thread, in order, keeps the percentage forward-only and hands the reports to a bounded channel (oldest dropped first).</summary>
internal sealed class ChannelProgress(ChannelWriter<PullProgressView> writer) : IProgress<ModelDownloadProgress>
{
    private readonly Lock _gate = new();
    private double _percent;

    public void Report(ModelDownloadProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            _percent = Math.Clamp(Math.Max(_percent, value.Percent), 0, 100);
            writer.TryWrite(ManagementViews.ToView(value, _percent));
        }
    }
}
