namespace LocalAI.Council.Tests.Support;

/// <summary>Holds a scripted call until the test releases it; says when the call arrived and when it ended.</summary>
public sealed class Gate
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    /// <summary>Gets a task that completes with whether the call was cancelled.</summary>
    public Task<bool> Exited => _exited.Task;

    /// <summary>Gets a value indicating whether the call has already ended, and ended by cancellation.</summary>
    public bool StoppedByCancellation => _exited.Task.IsCompletedSuccessfully && _exited.Task.Result;

    public void Release() => _release.TrySetResult(true);

    /// <summary>Waits, inside the scripted call, until released or cancelled.</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        try
        {
            await _release.Task.WaitAsync(cancellationToken);
            _exited.TrySetResult(false);
        }
        catch (OperationCanceledException)
        {
            _exited.TrySetResult(true);
            throw;
        }
    }
}
