using Microsoft.Extensions.Options;

namespace LocalAI.Rag;

/// <summary>Checks <see cref="RagOptions"/> once, at start; every message names its configuration key under <c>LocalAI:Rag</c>.</summary>
internal sealed class RagOptionsValidator : IValidateOptions<RagOptions>
{
    private const string Key = "LocalAI:" + RagOptions.SectionName + ":";

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, RagOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Failures(RagOptions options)
    {
        if (options.Store == RagStoreKind.Postgres)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                yield return $"{Key}ConnectionString is required when {Key}Store is Postgres.";
            }

            if (!PostgresVectorStore.IsValidCollectionName(options.CollectionName))
            {
                yield return $"{Key}CollectionName '{options.CollectionName}' must be lower-case letters, digits and underscores (at most 40), starting with a letter.";
            }
        }
        else if (string.IsNullOrWhiteSpace(options.StorePath))
        {
            yield return $"{Key}StorePath is empty; name the embedded store's file.";
        }

        foreach (var failure in ChunkingOptions.Failures(options.ChunkSize, options.ChunkOverlap, Key))
        {
            yield return failure;
        }

        if (options.EmbeddingBatchSize < 1)
        {
            yield return $"{Key}EmbeddingBatchSize is {options.EmbeddingBatchSize}; it must be at least 1.";
        }

        if (options.MaxConcurrency < 1)
        {
            yield return $"{Key}MaxConcurrency is {options.MaxConcurrency}; it must be at least 1.";
        }

        if (options.MaxInputTokens is < 1)
        {
            yield return $"{Key}MaxInputTokens is {options.MaxInputTokens}; leave it unset or give the embedding model's maximum input in tokens.";
        }
    }
}
