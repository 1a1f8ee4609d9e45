namespace LocalAI.Onnx;

/// <summary>
/// One loaded sentence encoder: the tokenizer, the model's <see cref="EncoderSession"/> shared by all callers, and the
/// batching, pooling and normalisation around it.
/// </summary>
internal sealed class SentenceEncoder : IDisposable
{
    /// <summary>The fixed cost of one model run, in tokens: what a sub-batch must save in padding to be worth running apart.</summary>
    internal const int RunOverheadTokens = 32;

    private readonly EncoderSession _session;
    private readonly int _maxBatchSize;

    private SentenceEncoder(SentenceEncoderConfig config, SentenceTokenizer tokenizer, EncoderSession session, int maxBatchSize)
    {
        Config = config;
        Tokenizer = tokenizer;
        _session = session;
        _maxBatchSize = maxBatchSize;
    }

    /// <summary>Gets the configuration the encoder was loaded with.</summary>
    public SentenceEncoderConfig Config { get; }

    /// <summary>Gets the tokenizer.</summary>
    public SentenceTokenizer Tokenizer { get; }

    /// <summary>Gets the size of the sentence vectors.</summary>
    public int Dimensions => _session.Dimensions;

    /// <summary>Gets the time spent inside the model runs since load, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public long RunTicks => _session.RunTicks;

    /// <summary>Loads a model folder: configuration, tokenizer, then the ONNX session, whose inputs and outputs are checked.</summary>
    /// <param name="config">The folder's configuration.</param>
    /// <param name="options">Threading and batching options.</param>
    /// <returns>The encoder.</returns>
    /// <exception cref="InvalidModelFileException">The ONNX file cannot be loaded or is not a sentence encoder.</exception>
    public static SentenceEncoder Load(SentenceEncoderConfig config, OnnxBackendOptions options)
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
        return new SentenceEncoder(config, tokenizer, EncoderSession.Open(config, options.IntraOpNumThreads), options.MaxBatchSize);
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
        using var run = _session.BeginRun(cancellationToken);
        foreach (var rows in PlanSubBatches(batch, sortByLength))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inputs = BuildInputs(batch.Ids, rows);
            using var output = run.Run(inputs);
            Pool(batch.Ids, rows, inputs.SequenceLength, output.Values, results);
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
        var mask = _session.HasAttentionMask ? new long[inputIds.Length] : null;
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

        return new SubBatchInputs(inputIds, mask, _session.HasTokenTypeIds ? new long[inputIds.Length] : null, batchSize, sequenceLength);
    }

    /// <summary>Runs the model on prepared inputs and throws the output away: the cost of the model run alone, for benchmarks.</summary>
    /// <param name="inputs">The inputs.</param>
    internal void RunOnly(SubBatchInputs inputs) => _session.RunOnly(inputs);

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();

    private void Pool(int[][] ids, int[] rows, int sequenceLength, ReadOnlySpan<float> hidden, float[][] results)
    {
        var rowSize = sequenceLength * Dimensions;
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
