using Microsoft.ML.OnnxRuntime;

namespace LocalAI.Onnx;

/// <summary>The runs of one request on an <see cref="EncoderSession"/>: one set of run options, terminated when the request is cancelled.</summary>
internal sealed class EncoderRun : IDisposable
{
    private readonly EncoderSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenRegistration _registration;

    /// <summary>Initializes a new instance of the <see cref="EncoderRun"/> class.</summary>
    /// <param name="session">The session.</param>
    /// <param name="cancellationToken">The request's token.</param>
    public EncoderRun(EncoderSession session, CancellationToken cancellationToken)
    {
        _session = session;
        _cancellationToken = cancellationToken;
        _registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, _runOptions)
            : default;
    }

    /// <summary>Runs the model on one sub-batch.</summary>
    /// <param name="inputs">The padded inputs.</param>
    /// <returns>The token vectors; dispose when read.</returns>
    /// <exception cref="OperationCanceledException">The request was cancelled during the run.</exception>
    /// <exception cref="InvalidModelFileException">The output does not have the shape of a sentence encoder's.</exception>
    public TokenVectors Run(SubBatchInputs inputs) => _session.Run(_runOptions, inputs, _cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        _registration.Dispose();
        _runOptions.Dispose();
    }
}
