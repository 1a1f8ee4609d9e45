using System.Diagnostics;
using LocalAI.Onnx.Models;
using LocalAI.Onnx.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace LocalAI.Onnx.Embeddings;

/// <summary>
/// One loaded sentence encoder: the tokenizer, one <see cref="InferenceSession"/> shared by all callers (ONNX Runtime's
/// <c>Run</c> is thread-safe), and the batching, pooling and normalisation around it.
/// </summary>
internal sealed class SentenceEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly bool _hasAttentionMask;
    private readonly bool _hasTokenTypeIds;
    private readonly string[] _outputNames;
    private readonly int _maxBatchSize;
    private readonly RunOptions _benchmarkRunOptions = new();

    /// <summary>The fixed cost of one <c>InferenceSession.Run</c>, in tokens: what a sub-batch must save in padding to be worth running apart.</summary>
    internal const int RunOverheadTokens = 32;

    private SentenceEncoder(SentenceEncoderConfig config, SentenceTokenizer tokenizer, InferenceSession session, ModelSignature signature, int maxBatchSize)
    {
        Config = config;
        Tokenizer = tokenizer;
        _session = session;
        _inputNames = signature.InputNames;
        _hasAttentionMask = signature.HasAttentionMask;
        _hasTokenTypeIds = signature.HasTokenTypeIds;
        _outputNames = [signature.OutputName];
        Dimensions = signature.HiddenSize;
        _maxBatchSize = maxBatchSize;
    }

    /// <summary>Gets the configuration the encoder was loaded with.</summary>
    public SentenceEncoderConfig Config { get; }

    /// <summary>Gets the tokenizer.</summary>
    public SentenceTokenizer Tokenizer { get; }

    /// <summary>Gets the size of the sentence vectors.</summary>
    public int Dimensions { get; }

    private long _runTicks;

    /// <summary>Gets the time spent inside <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/> since load, in <see cref="Stopwatch"/> ticks.</summary>
    public long RunTicks => Interlocked.Read(ref _runTicks);

    /// <summary>Loads a model folder: configuration, tokenizer, then the ONNX session, whose inputs and outputs are checked.</summary>
    /// <param name="config">The folder's configuration.</param>
    /// <param name="options">Threading and batching options.</param>
    /// <returns>The encoder.</returns>
    /// <exception cref="InvalidModelFileException">The ONNX file cannot be loaded or is not a sentence encoder.</exception>
    public static SentenceEncoder Load(SentenceEncoderConfig config, OnnxEmbeddingOptions options)
    {
        SentenceTokenizer tokenizer;
        try
        {
            tokenizer = SentenceTokenizer.Create(config.Vocabulary, config.Tokenizer);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidModelFileException(config.Directory, ex.Message, ex);
        }

        OnnxFileCheck.ThrowIfNotOnnx(config.OnnxPath);
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
            IntraOpNumThreads = options.IntraOpNumThreads,
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
            var signature = ModelSignature.Read(config, session);
            return new SentenceEncoder(config, tokenizer, session, signature, options.MaxBatchSize);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Tokenizes texts, truncating each to the model's maximum length.</summary>
    /// <param name="texts">The texts.</param>
    /// <returns>The token ids of each text and how many were truncated.</returns>
    public TokenizedBatch Tokenize(IReadOnlyList<string> texts)
    {
        var ids = new int[texts.Count][];
        var cut = new bool[texts.Count];
        var truncated = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            ids[i] = Tokenizer.Encode(texts[i], Config.MaxSequenceLength, out cut[i]);
            truncated += cut[i] ? 1 : 0;
        }

        return new TokenizedBatch(ids, cut, truncated);
    }

    /// <summary>Embeds tokenized texts: sorted by length (unless <paramref name="sortByLength"/> is false), cut into sub-batches each padded to its own longest text.</summary>
    /// <param name="batch">The tokenized texts.</param>
    /// <param name="sortByLength">Whether to sort by length before cutting into sub-batches.</param>
    /// <param name="cancellationToken">Cancels between sub-batches and terminates a running one.</param>
    /// <returns>One vector per text, in the order given.</returns>
    public float[][] Embed(TokenizedBatch batch, bool sortByLength, CancellationToken cancellationToken)
    {
        var results = new float[batch.Ids.Length][];
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions) : default;
        foreach (var rows in PlanSubBatches(batch, sortByLength))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inputs = BuildInputs(batch.Ids, rows);
            RunAndPool(batch.Ids, rows, inputs, results, runOptions, cancellationToken);
        }

        return results;
    }

    /// <summary>
    /// Cuts a batch into sub-batches of at most the configured size. Sorted by length, the cuts are placed where they
    /// cost least: each sub-batch costs a fixed overhead (<see cref="RunOverheadTokens"/>) plus its rows times its
    /// longest text, so a long text does not make a sub-batch of short ones pay for its padding. Without sorting (the
    /// naive path, kept for comparison) the texts are cut in the order given.
    /// </summary>
    /// <param name="batch">The tokenized texts.</param>
    /// <param name="sortByLength">Whether to sort by length and cut at the cheapest places.</param>
    /// <returns>The row numbers of each sub-batch.</returns>
    internal List<int[]> PlanSubBatches(TokenizedBatch batch, bool sortByLength)
    {
        var count = batch.Ids.Length;
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var plan = new List<int[]>();
        if (!sortByLength)
        {
            for (var start = 0; start < count; start += _maxBatchSize)
            {
                plan.Add(order[start..Math.Min(start + _maxBatchSize, count)]);
            }

            return plan;
        }

        var lengths = new int[count];
        for (var i = 0; i < count; i++)
        {
            lengths[i] = batch.Ids[i].Length;
        }

        Array.Sort(lengths, order);

        // cost[j] is the least cost of the first j sorted texts; cut[j] where its last sub-batch starts.
        var cost = new long[count + 1];
        var cut = new int[count + 1];
        for (var end = 1; end <= count; end++)
        {
            cost[end] = long.MaxValue;
            for (var start = Math.Max(0, end - _maxBatchSize); start < end; start++)
            {
                var candidate = cost[start] + RunOverheadTokens + ((long)(end - start) * lengths[end - 1]);
                if (candidate < cost[end])
                {
                    cost[end] = candidate;
                    cut[end] = start;
                }
            }
        }

        for (var end = count; end > 0; end = cut[end])
        {
            plan.Add(order[cut[end]..end]);
        }

        plan.Reverse();
        return plan;
    }

    /// <summary>Builds the padded model inputs of one sub-batch: ids padded to the sub-batch's longest text, the attention mask, zero segment ids.</summary>
    /// <param name="ids">The token ids of every text.</param>
    /// <param name="rows">The texts of this sub-batch.</param>
    /// <returns>The inputs.</returns>
    internal SubBatchInputs BuildInputs(int[][] ids, int[] rows)
    {
        var batchSize = rows.Length;
        var sequenceLength = 0;
        foreach (var row in rows)
        {
            sequenceLength = Math.Max(sequenceLength, ids[row].Length);
        }

        var inputIds = new long[batchSize * sequenceLength];
        var mask = _hasAttentionMask ? new long[inputIds.Length] : null;
        var padding = Tokenizer.PaddingTokenId;
        for (var r = 0; r < batchSize; r++)
        {
            var tokens = ids[rows[r]];
            var offset = r * sequenceLength;
            for (var t = 0; t < sequenceLength; t++)
            {
                inputIds[offset + t] = t < tokens.Length ? tokens[t] : padding;
            }

            mask?.AsSpan(offset, tokens.Length).Fill(1);
        }

        return new SubBatchInputs(inputIds, mask, _hasTokenTypeIds ? new long[inputIds.Length] : null, batchSize, sequenceLength);
    }

    /// <summary>Runs the model on prepared inputs and throws the output away: the cost of <c>InferenceSession.Run</c> alone, for benchmarks.</summary>
    /// <param name="inputs">The inputs.</param>
    internal void RunOnly(SubBatchInputs inputs)
    {
        var values = CreateValues(inputs);
        try
        {
            using var outputs = _session.Run(_benchmarkRunOptions, _inputNames, values, _outputNames);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private List<OrtValue> CreateValues(SubBatchInputs inputs)
    {
        long[] shape = [inputs.BatchSize, inputs.SequenceLength];
        var values = new List<OrtValue>(_inputNames.Length);
        foreach (var name in _inputNames)
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

    private void RunAndPool(int[][] ids, int[] rows, SubBatchInputs inputs, float[][] results, RunOptions runOptions, CancellationToken cancellationToken)
    {
        var values = CreateValues(inputs);
        try
        {
            var started = Stopwatch.GetTimestamp();
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = _session.Run(runOptions, _inputNames, values, _outputNames);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            Interlocked.Add(ref _runTicks, Stopwatch.GetTimestamp() - started);
            using (outputs)
            {
                var outputShape = outputs[0].GetTensorTypeAndShape().Shape;
                if (outputShape is not [var b, var s, var h] || b != inputs.BatchSize || s != inputs.SequenceLength || h != Dimensions)
                {
                    throw new InvalidModelFileException(Config.OnnxPath, $"its output has shape [{string.Join(", ", outputShape)}] for an input of [{inputs.BatchSize}, {inputs.SequenceLength}]; a sentence encoder returns [batch, sequence, {Dimensions}].", null);
                }

                var hidden = outputs[0].GetTensorDataAsSpan<float>();
                var rowSize = inputs.SequenceLength * Dimensions;
                for (var r = 0; r < rows.Length; r++)
                {
                    var vector = new float[Dimensions];
                    Pooling.Pool(hidden.Slice(r * rowSize, rowSize), ids[rows[r]].Length, Config.Pooling, vector);
                    if (Config.Normalize)
                    {
                        Pooling.Normalize(vector);
                    }

                    results[rows[r]] = vector;
                }
            }
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _session.Dispose();
        _benchmarkRunOptions.Dispose();
    }
}
