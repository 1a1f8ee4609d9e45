using LocalAI;
using LocalAI.Rag;
using LocalAI.Samples;
using LocalAI.Samples.Rag;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

// Usage:
//   dotnet run -- index <folder>          index .txt and .md files into the embedded store
//   dotnet run -- ask "<question>"        answer with citations (or show the passages when no chat backend is up)
//   options: --onnx <sentence-transformers ONNX folder>, --gguf <chat model.gguf>, --backends onnx,ollama, --ollama <url>
var configuration = SampleBackends.Configuration(args);
args = SampleBackends.Positional(args);
if (args.Length < 2 || args[0] is not ("index" or "ask"))
{
    Console.Error.WriteLine("usage: index <folder> | ask \"<question>\"  [--onnx <model folder>] [--gguf <model.gguf>]");
    return 2;
}

var search = new RagSearchOptions { Mode = RagSearchMode.Hybrid, Top = 4 };
var services = new ServiceCollection().AddLogging();
services.AddLocalAI(configuration.GetSection("LocalAI"), b =>
    {
        EmbeddingSetup.AddEmbeddingBackends(b);
        b.AddRag();
    })
    .UseChat(chat => chat.UseRag(new RagChatOptions { Search = search })); // the container owns the RAG pipeline around the router
await using var provider = services.BuildServiceProvider();
var manager = provider.GetRequiredService<BackendManager>();
await manager.InitializeAsync();

if (await manager.GetActiveBackendAsync(BackendCapabilities.Embeddings) is not { } embedder)
{
    Console.Error.WriteLine("No embedding backend is available. Give a sentence-transformers ONNX model folder with --onnx <folder> (or LocalAI__onnx__ModelPath), see EmbeddingSetup.cs.");
    foreach (var status in await manager.GetAllStatusAsync())
    {
        Console.Error.WriteLine($"  {status.BackendId}: {(status.IsAvailable ? "available" : status.Reason)}");
    }

    return 1;
}

Console.WriteLine($"Embeddings: backend '{embedder.Id}'");
var index = provider.GetRequiredService<RagIndex>();
Console.WriteLine($"Store: {(provider.GetRequiredService<IVectorStore>() is FileVectorStore file ? file.FilePath : "PostgreSQL")}");

if (args[0] == "index")
{
    var progress = new ProgressBar();
    IndexingResult result;
    try
    {
        result = await index.IndexFolderAsync(args[1], progress);
    }
    catch (EmbeddingModelMismatchException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return 1;
    }

    ProgressBar.Finish();
    Console.WriteLine($"Indexed {result.Documents} documents: {result.Chunks} chunks, {result.ChunksEmbedded} embedded, {result.ChunksReused} unchanged, {result.Elapsed.TotalMilliseconds:F0} ms.");
    return 0;
}

var question = string.Join(' ', args[1..]);
try
{
    var chat = provider.GetRequiredService<IChatClient>();
    IReadOnlyList<RagCitation>? citations = null;
    Console.WriteLine();
    await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, question)]))
    {
        if (update.AdditionalProperties?.TryGetValue(RagChatOptions.CitationsKey, out var value) == true)
        {
            citations = value as IReadOnlyList<RagCitation>;
        }

        Console.Write(update.Text);
    }

    Console.WriteLine();
    Console.WriteLine();
    foreach (var citation in citations ?? [])
    {
        Console.WriteLine($"[{citation.Number}] {citation.DocumentId}{(citation.Context is null ? string.Empty : " — " + citation.Context)} (score {citation.Score:F3})");
    }
}
catch (EmbeddingModelMismatchException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
catch (LocalAIException ex) when (ex is NoBackendAvailableException or BackendUnavailableException)
{
    Console.WriteLine("No chat backend is available, so here are the passages hybrid search ranks first instead:");
    foreach (var line in ex.Message.Split('\n'))
    {
        Console.WriteLine(RankedPassages.Cut("  " + line.TrimEnd(), RankedPassages.Width));
    }

    Console.WriteLine();
    await RankedPassages.PrintAsync(index, question, search);
}

return 0;
