using System.Text;
using System.Threading.Channels;
using LocalAI.Rag;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore;

/// <summary><c>POST /api/rag/search</c> and <c>POST /api/rag/documents</c> over the <see cref="RagIndex"/> registered with <c>AddRag</c>.</summary>
internal static class RagEndpoints
{
    /// <summary>Progress reports that may wait for a slow client; older ones are dropped first (the latest counts say it all).</summary>
    private const int ProgressBuffer = 16;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Task SearchAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<RequestRunner>().RunAsync(context, static async (c, ct) =>
        {
            var index = IndexOf(c);
            var request = await RequestRunner.ReadJsonAsync(c, ApiJsonContext.Default.RagSearchRequest, ct).ConfigureAwait(false);
            var options = SearchOptions(request);
            var hits = await index.SearchAsync(request.Query!, options, ct).ConfigureAwait(false);
            var results = hits.Select(h => new RagSearchResult(h.Record.DocumentId, h.Record.Index, h.Record.Id, h.Score, h.Record.Text, h.Record.Context, h.Record.Metadata)).ToList();
            await RequestRunner.WriteJsonAsync(c, new RagSearchResponse(ModeName(options.Mode), results), ApiJsonContext.Default.RagSearchResponse).ConfigureAwait(false);
        });

    public static Task DocumentsAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<RequestRunner>().RunAsync(context, static async (c, ct) =>
        {
            var index = IndexOf(c);
            var documents = c.Request.HasFormContentType
                ? await FromFormAsync(c.Request, ct).ConfigureAwait(false)
                : FromJson(await RequestRunner.ReadJsonAsync(c, ApiJsonContext.Default.RagDocumentsRequest, ct).ConfigureAwait(false));
            if (!WantsStream(c.Request))
            {
                var result = await index.IndexDocumentsAsync(documents, null, ct).ConfigureAwait(false);
                await RequestRunner.WriteJsonAsync(c, RagIndexingView.From(result, documents.Count), ApiJsonContext.Default.RagIndexingView).ConfigureAwait(false);
                return;
            }

            await StreamIndexingAsync(c, index, documents, ct).ConfigureAwait(false);
        });

    private static async Task StreamIndexingAsync(HttpContext context, RagIndex index, List<RagDocument> documents, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<IndexingProgress>(new BoundedChannelOptions(ProgressBuffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var progress = new OrderedProgress(channel.Writer);
        var indexing = IndexAsync(index, documents, progress, channel.Writer, cancellationToken);
        var sse = SseWriter.Start(context);
        await foreach (var report in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await sse.WriteEventAsync("progress", RagIndexingView.From(report), ApiJsonContext.Default.RagIndexingView, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var result = await indexing.ConfigureAwait(false);
            await sse.WriteEventAsync("done", RagIndexingView.From(result, documents.Count), ApiJsonContext.Default.RagIndexingView, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var error = ErrorMapping.From(ex);
            Log.StreamFailed(context.RequestServices.GetRequiredService<RequestRunner>().Logger, ex, context.Request.Method, context.Request.Path);
            await sse.WriteEventAsync("error", error.ToResponse(), OpenAIJsonContext.Default.ErrorResponse, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<IndexingResult> IndexAsync(RagIndex index, List<RagDocument> documents, IProgress<IndexingProgress> progress, ChannelWriter<IndexingProgress> writer, CancellationToken cancellationToken)
    {
        try
        {
            return await index.IndexDocumentsAsync(documents, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>The registered index, or 501 <c>rag_not_configured</c>.</summary>
    public static RagIndex IndexOf(HttpContext context) =>
        context.RequestServices.GetService<RagIndex>()
            ?? throw new HttpError(StatusCodes.Status501NotImplemented,
                "This server has no RAG index: register one with services.AddLocalAI(b => b.AddOnnxEmbeddings(...).AddRag()).", code: "rag_not_configured");

    private static RagSearchOptions SearchOptions(RagSearchRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Query))
        {
            throw HttpError.BadRequest("query", "The field 'query' is required: the text to search for.", "missing_required_parameter");
        }

        if (request.Top is < 1 or > VectorSearchOptions.MaxTop)
        {
            throw HttpError.BadRequest("top", $"The field 'top' must be between 1 and {VectorSearchOptions.MaxTop} (was {request.Top}).");
        }

        if (request.MinSimilarity is { } min && !(min >= -1 && min <= 1))
        {
            throw HttpError.BadRequest("minSimilarity", $"The field 'minSimilarity' is a cosine similarity, between -1 and 1 (was {min}).");
        }

        var mode = request.Mode?.Trim().ToLowerInvariant() switch
        {
            null or "" or "vector" => RagSearchMode.Vector,
            "bm25" or "keyword" => RagSearchMode.Keyword,
            "hybrid" => RagSearchMode.Hybrid,
            _ => throw HttpError.BadRequest("mode", $"The field 'mode' must be 'vector', 'bm25' or 'hybrid' (was '{request.Mode}')."),
        };

        MetadataFilter? filter = null;
        foreach (var (key, value) in request.Filters ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrEmpty(key))
            {
                throw HttpError.BadRequest("filters", "The field 'filters' holds an empty key; each key is a metadata name.");
            }

            filter = (filter ?? new MetadataFilter()).And(key, value ?? throw HttpError.BadRequest($"filters.{key}", $"The filter 'filters.{key}' must be a string."));
        }

        return new RagSearchOptions { Top = request.Top ?? 5, MinScore = request.MinSimilarity, Mode = mode, Filter = filter };
    }

    private static List<RagDocument> FromJson(RagDocumentsRequest request)
    {
        if (request.Documents is not { Count: > 0 } documents)
        {
            throw HttpError.BadRequest("documents", "The field 'documents' is required: [{\"id\": \"...\", \"text\": \"...\", \"metadata\": {...}}], or upload files as multipart/form-data.", "missing_required_parameter");
        }

        var list = new List<RagDocument>(documents.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
        {
            var document = documents[i] ?? throw HttpError.BadRequest($"documents[{i}]", $"'documents[{i}]' must be an object.");
            if (string.IsNullOrWhiteSpace(document.Id))
            {
                throw HttpError.BadRequest($"documents[{i}].id", $"The field 'documents[{i}].id' is required: the document's id, returned as the source of its results.", "missing_required_parameter");
            }

            if (string.IsNullOrWhiteSpace(document.Text))
            {
                throw HttpError.BadRequest($"documents[{i}].text", $"The field 'documents[{i}].text' is required and must not be empty.", "missing_required_parameter");
            }

            list.Add(Document(document.Id, document.Text, document.Metadata, document.Markdown, ids, $"documents[{i}].id"));
        }

        return list;
    }

    private static async Task<List<RagDocument>> FromFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        if (form.Files.Count == 0)
        {
            throw HttpError.BadRequest("files", "The form holds no files: upload one or more text or Markdown files (curl -F file=@notes.md).", "missing_required_parameter");
        }

        // Every other form field is metadata of every uploaded document.
        var metadata = form.Where(f => f.Key.Length > 0).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var list = new List<RagDocument>(form.Files.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < form.Files.Count; i++)
        {
            var file = form.Files[i];
            var field = $"files[{i}]";
            var name = Path.GetFileName(file.FileName);
            if (string.IsNullOrWhiteSpace(name))
            {
                throw HttpError.BadRequest(field, $"'{field}' has no file name; the name is the document's id.");
            }

            string text;
            try
            {
                using var reader = new StreamReader(file.OpenReadStream(), StrictUtf8, detectEncodingFromByteOrderMarks: true);
                text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DecoderFallbackException)
            {
                throw HttpError.BadRequest(field, $"'{name}' is not UTF-8 text; upload text or Markdown files.");
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                throw HttpError.BadRequest(field, $"'{name}' is empty.");
            }

            list.Add(Document(name, text, metadata, null, ids, field));
        }

        return list;
    }

    private static RagDocument Document(string id, string text, IReadOnlyDictionary<string, string>? metadata, bool? markdown, HashSet<string> ids, string field)
    {
        id = id.Trim();
        if (!ids.Add(id))
        {
            throw HttpError.BadRequest(field, $"The document id '{id}' appears twice in the request; each document is indexed once.");
        }

        var extension = Path.GetExtension(id);
        return new RagDocument(id, text)
        {
            Metadata = metadata,
            IsMarkdown = markdown ?? (extension.Equals(".md", StringComparison.OrdinalIgnoreCase) || extension.Equals(".markdown", StringComparison.OrdinalIgnoreCase)),
        };
    }

    private static bool WantsStream(HttpRequest request) =>
        string.Equals(request.Query["stream"], "true", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);

    private static string ModeName(RagSearchMode mode) => mode switch
    {
        RagSearchMode.Keyword => "bm25",
        RagSearchMode.Hybrid => "hybrid",
        _ => "vector",
    };

    /// <summary>Hands each report to the channel on the reporting thread, in order (a <see cref="Progress{T}"/> would post them to the thread pool, out of order).</summary>
    private sealed class OrderedProgress(ChannelWriter<IndexingProgress> writer) : IProgress<IndexingProgress>
    {
        public void Report(IndexingProgress value) => writer.TryWrite(value);
    }
}
