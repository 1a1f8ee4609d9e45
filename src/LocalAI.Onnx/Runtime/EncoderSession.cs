using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace LocalAI.Onnx;

/// <summary>
/// The ONNX Runtime session of one sentence encoder, shared by every caller (ONNX Runtime's <c>Run</c> is thread-safe):
/// the session options, the checked inputs and output, and the runs.
/// </summary>
internal sealed class EncoderSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ModelSignature _signature;
    private readonly string[] _outputNames;
    private readonly RunOptions _benchmarkRunOptions = new();
    private long _runTicks;

    private EncoderSession(string onnxPath, InferenceSession session, ModelSignature signature)
    {
        OnnxPath = onnxPath;
        _session = session;
        _signature = signature;
        _outputNames = [signature.OutputName];
    }

    /// <summary>Gets the version of the ONNX Runtime native library.</summary>
    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    /// <summary>Gets the ONNX file the session was loaded from.</summary>
    public string OnnxPath { get; }

    /// <summary>Gets the size of each token vector.</summary>
    public int Dimensions => _signature.HiddenSize;

    /// <summary>Gets a value indicating whether the model takes <c>attention_mask</c>.</summary>
    public bool HasAttentionMask => _signature.HasAttentionMask;

    /// <summary>Gets a value indicating whether the model takes <c>token_type_ids</c>.</summary>
    public bool HasTokenTypeIds => _signature.HasTokenTypeIds;

    /// <summary>Gets the time spent inside <c>InferenceSession.Run</c> since load, in <see cref="Stopwatch"/> ticks.</summary>
    public long RunTicks => Interlocked.Read(ref _runTicks);

    /// <summary>Loads the ONNX file of a model folder and checks its inputs and outputs.</summary>
    /// <param name="config">The folder's configuration (the ONNX file and the declared size).</param>
    /// <param name="intraOpNumThreads">The threads inside one operator; 0 for ONNX Runtime's default.</param>
    /// <returns>The session.</returns>
    /// <exception cref="InvalidModelFileException">ONNX Runtime cannot load the file, or it is not a sentence encoder.</exception>
    public static EncoderSession Open(SentenceEncoderConfig config, int intraOpNumThreads)
    {
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
            IntraOpNumThreads = intraOpNumThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        InferenceSession session;
        try
        {
            session = new InferenceSession(config.OnnxPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidModelFileException(config.OnnxPath, $"ONNX Runtime cannot load it ({ex.Message.Trim()}). The file is corrupt, truncated or not an ONNX model: export or copy it again.", ex);
        }

        try
        {
            return new EncoderSession(config.OnnxPath, session, ModelSignature.Read(config, session));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Starts the runs of one request: cancelling <paramref name="cancellationToken"/> terminates the one in progress.</summary>
    /// <param name="cancellationToken">The request's token.</param>
    /// <returns>The runs; dispose when the request is done.</returns>
    public EncoderRun BeginRun(CancellationToken cancellationToken) => new(this, cancellationToken);

    /// <summary>Runs the model on prepared inputs and throws the output away: the cost of <c>InferenceSession.Run</c> alone, for benchmarks.</summary>
    /// <param name="inputs">The inputs.</param>
    public void RunOnly(SubBatchInputs inputs)
    {
        var values = CreateValues(inputs);
        try
        {
            using var outputs = _session.Run(_benchmarkRunOptions, _signature.InputNames, values, _outputNames);
        }
        finally
        {
            DisposeAll(values);
        }
    }

    /// <summary>Runs the model on one sub-batch.</summary>
    /// <param name="runOptions">The run options of the request.</param>
    /// <param name="inputs">The padded inputs.</param>
    /// <param name="cancellationToken">The request's token, whose cancellation terminated the run when it fails.</param>
    /// <returns>The token vectors, <c>[batch, sequence, hidden]</c>.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled during the run.</exception>
    /// <exception cref="InvalidModelFileException">The output does not have the shape of a sentence encoder's.</exception>
    public TokenVectors Run(RunOptions runOptions, SubBatchInputs inputs, CancellationToken cancellationToken)
    {
        var values = CreateValues(inputs);
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                outputs = _session.Run(runOptions, _signature.InputNames, values, _outputNames);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            Interlocked.Add(ref _runTicks, Stopwatch.GetTimestamp() - started);
        }
        finally
        {
            DisposeAll(values);
        }

        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (shape is not [var b, var s, var h] || b != inputs.BatchSize || s != inputs.SequenceLength || h != Dimensions)
        {
            outputs.Dispose();
            throw new InvalidModelFileException(OnnxPath, $"its output has shape [{string.Join(", ", shape)}] for an input of [{inputs.BatchSize}, {inputs.SequenceLength}]; a sentence encoder returns [batch, sequence, {Dimensions}].", null);
        }

        return new TokenVectors(outputs);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _session.Dispose();
        _benchmarkRunOptions.Dispose();
    }

    private List<OrtValue> CreateValues(SubBatchInputs inputs)
    {
        long[] shape = [inputs.BatchSize, inputs.SequenceLength];
        var values = new List<OrtValue>(_signature.InputNames.Length);
        foreach (var name in _signature.InputNames)
        {
            var data = name switch
            {
                ModelSignature.InputIds => inputs.InputIds,
                ModelSignature.AttentionMask => inputs.AttentionMask!,
                _ => inputs.TokenTypeIds!,
            };
            values.Add(OrtValue.CreateTensorValueFromMemory(data, shape));
        }

        return values;
    }

    private static void DisposeAll(List<OrtValue> values)
    {
        foreach (var value in values)
        {
            value.Dispose();
        }
    }
}
