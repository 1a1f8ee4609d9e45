using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalAI.Ollama.TestServer;

/// <summary>A loopback HTTP server that speaks Ollama's REST API as its public documentation describes it, with faults to inject.</summary>
/// <remarks>Chat answers echo the prompt; with <c>format: "json"</c> they are <c>{"echo": prompt}</c>, with a JSON schema as <c>format</c> a value that conforms to it (<see cref="SchemaInstance"/>).</remarks>
public sealed class OllamaTestServer : IAsyncDisposable
{
    /// <summary>The version /api/version reports.</summary>
    public const string Version = "0.12.6";

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };
    private readonly ConcurrentDictionary<string, TestModel> _installed = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, TestModel> _library = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private WebApplication? _app;
    private int _active;
    private readonly TaskCompletionSource _streamAborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _aborted;

    private OllamaTestServer()
    {
        foreach (var model in DefaultModels())
        {
            _installed[model.Name] = model;
        }

        _library["tinyllama:1.1b"] = new TestModel("tinyllama:1.1b", "llama", "1.1B", "Q4_0", 5000) { Layers = [3000, 1500, 500] };
    }

    /// <summary>Occurs when a request arrives, before any fault; receives the path.</summary>
    public event Action<string>? RequestStarted;

    /// <summary>Gets the server's address.</summary>
    public Uri Uri { get; private set; } = null!;

    /// <summary>Gets the faults to inject; change them between requests.</summary>
    public ServerFaults Faults { get; } = new();

    /// <summary>Gets every request received, in order.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Gets the requests being served now.</summary>
    public int ActiveRequests => Volatile.Read(ref _active);

    /// <summary>Gets how many streaming responses saw the client go away before they finished.</summary>
    public int AbortedStreams => Volatile.Read(ref _aborted);

    /// <summary>Gets a task that completes when the first streaming response sees its client go away.</summary>
    public Task StreamAborted => _streamAborted.Task;

    /// <summary>Gets the installed models.</summary>
    public IReadOnlyDictionary<string, TestModel> Installed => _installed;

    /// <summary>Gets the models /api/pull can fetch; add to it.</summary>
    public ConcurrentDictionary<string, TestModel> Library => _library;

    /// <summary>Gets the models /api/ps reports as loaded.</summary>
    public IReadOnlyCollection<string> Loaded => [.. _loaded.Keys];

    /// <summary>Starts a server on a loopback port.</summary>
    /// <param name="host">The address to bind; only loopback addresses are accepted.</param>
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <param name="configureLogging">Changes logging; the default logs warnings to the console.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The running server.</returns>
    public static async Task<OllamaTestServer> StartAsync(string host = "127.0.0.1", int port = 0, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        var address = IPAddress.Parse(host);
        if (!IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"The test server binds only loopback addresses, not {host}.", nameof(host));
        }

        var server = new OllamaTestServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (configureLogging is null)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }
        else
        {
            configureLogging(builder.Logging);
        }

        builder.WebHost.UseKestrel(o => o.Listen(address, port));
        var app = builder.Build();
        server.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Uri = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        server._app = app;
        return server;
    }

    /// <summary>Adds or replaces an installed model.</summary>
    /// <param name="model">The model.</param>
    public void Install(TestModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _installed[model.Name] = model;
    }

    /// <summary>Gets the recorded requests to one path.</summary>
    /// <param name="path">For example <c>/api/chat</c>.</param>
    /// <returns>The requests, in order.</returns>
    public IReadOnlyList<RecordedRequest> RequestsTo(string path) => [.. Requests.Where(r => r.Path == path)];

    /// <summary>Waits until the application stops (a SIGTERM, or <see cref="DisposeAsync"/>).</summary>
    /// <returns>A task that completes when the server stops.</returns>
    public Task WaitForShutdownAsync() => _app!.WaitForShutdownAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Returns a deterministic unit vector for a text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="dimensions">The vector length.</param>
    /// <returns>The vector.</returns>
    public static float[] EmbeddingOf(string text, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[dimensions];
        var seed = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var random = new Random(BitConverter.ToInt32(seed, 0));
        double norm = 0;
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
            norm += vector[i] * vector[i];
        }

        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] *= scale;
        }

        return vector;
    }

    private static IEnumerable<TestModel> DefaultModels() =>
    [
        new TestModel("llama3.2:latest", "llama", "3.2B", "Q4_K_M", 2_019_393_189) { ContextLength = 131072 },
        new TestModel("llava:7b", "llama", "7B", "Q4_0", 4_733_363_377) { Vision = true },
        new TestModel("nomic-embed-text:latest", "nomic-bert", "137M", "F16", 274_302_450) { EmbeddingLength = 8, ContextLength = 2048 },
    ];

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _active);
            try
            {
                JsonObject? body = null;
                if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
                {
                    try
                    {
                        body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
                    }
                    catch (JsonException)
                    {
                        await WriteErrorAsync(context, 400, "invalid JSON body");
                        return;
                    }
                }

                Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, body));
                context.Items["body"] = body;
                RequestStarted?.Invoke(context.Request.Path.Value ?? string.Empty);
                await next(context);
            }
            finally
            {
                Interlocked.Decrement(ref _active);
            }
        });

        app.MapGet("/", () => Results.Text("Ollama is running"));
        app.MapMethods("/", ["HEAD"], () => Results.Ok());
        app.MapGet("/api/version", () => Results.Json(new { version = Version }));
        app.MapGet("/api/tags", () => Results.Json(new { models = _installed.Values.OrderBy(m => m.Name).Select(ModelEntry) }));
        app.MapGet("/api/ps", () => Results.Json(new
        {
            models = _loaded
                .Where(l => _installed.ContainsKey(l.Key))
                .Select(l => LoadedEntry(_installed[l.Key], l.Value)),
        }));
        app.MapPost("/api/show", ShowAsync);
        app.MapDelete("/api/delete", DeleteAsync);
        app.MapPost("/api/pull", PullAsync);
        app.MapPost("/api/chat", context => GenerateAsync(context, chat: true));
        app.MapPost("/api/generate", context => GenerateAsync(context, chat: false));
        app.MapPost("/api/embed", EmbedAsync);
        app.MapPost("/test/crash", context =>
        {
            var code = int.TryParse(context.Request.Query["code"], out var c) ? c : 3;
            Console.Error.WriteLine($"simulated crash, exit code {code}");
            Environment.Exit(code);
            return Task.CompletedTask;
        });
    }

    private static object ModelEntry(TestModel model) => new
    {
        name = model.Name,
        model = model.Name,
        modified_at = "2025-01-01T00:00:00Z",
        size = model.Size,
        digest = model.Digest,
        details = Details(model),
    };

    private static object Details(TestModel model) => new
    {
        parent_model = string.Empty,
        format = "gguf",
        family = model.Family,
        families = new[] { model.Family },
        parameter_size = model.ParameterSize,
        quantization_level = model.Quantization,
    };

    private static object LoadedEntry(TestModel model, DateTimeOffset expires) => new
    {
        name = model.Name,
        model = model.Name,
        size = model.Size,
        digest = model.Digest,
        details = Details(model),
        expires_at = expires.ToString("O"),
        size_vram = model.Size,
        context_length = model.ContextLength,
    };

    private static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = message });
    }

    private static JsonObject? Body(HttpContext context) => context.Items["body"] as JsonObject;

    private static string? ModelName(JsonObject? body) => (string?)body?["model"] ?? (string?)body?["name"];

    private TestModel? Find(string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (_installed.TryGetValue(name, out var model) || _installed.TryGetValue(name + ":latest", out model))
        {
            return model;
        }

        return null;
    }

    private async Task ShowAsync(HttpContext context)
    {
        if (Faults.BeforeShow is { } before)
        {
            await before(context.RequestAborted);
        }

        var name = ModelName(Body(context));
        if (Find(name) is not { } model)
        {
            await WriteErrorAsync(context, 404, $"model '{name}' not found");
            return;
        }

        var info = new JsonObject
        {
            ["general.architecture"] = model.Family,
            ["general.parameter_count"] = 1_000_000,
            [model.Family + ".context_length"] = model.ContextLength,
        };
        if (model.EmbeddingLength > 0)
        {
            info[model.Family + ".embedding_length"] = model.EmbeddingLength;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            modelfile = "FROM " + model.Name,
            parameters = "stop \"<|eot_id|>\"",
            template = "{{ .Prompt }}",
            details = Details(model),
            model_info = info,
            capabilities = model.Capabilities,
            modified_at = "2025-01-01T00:00:00Z",
        });
    }

    private async Task DeleteAsync(HttpContext context)
    {
        var name = ModelName(Body(context));
        if (Find(name) is not { } model || !_installed.TryRemove(model.Name, out _))
        {
            await WriteErrorAsync(context, 404, $"model '{name}' not found");
            return;
        }

        _loaded.TryRemove(model.Name, out _);
        context.Response.StatusCode = 200;
    }

    private async Task PullAsync(HttpContext context)
    {
        var body = Body(context);
        var name = ModelName(body) ?? string.Empty;
        var abort = context.RequestAborted;
        if (Faults.StatusCode is { } status)
        {
            await WriteErrorAsync(context, status, Faults.ErrorMessage);
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        if (!_library.TryGetValue(name, out var model) && !_library.TryGetValue(name + ":latest", out model))
        {
            await WriteLineAsync(context, new { status = "pulling manifest" }, abort);
            await WriteLineAsync(context, new { error = "pull model manifest: file does not exist" }, abort);
            return;
        }

        try
        {
            var step = 0;
            await WriteLineAsync(context, new { status = "pulling manifest" }, abort);
            for (var layer = 0; layer < model.Layers.Count; layer++)
            {
                var total = model.Layers[layer];
                var digest = "sha256:" + model.Digest[..12] + layer;
                for (var part = 0; part <= 4; part++)
                {
                    if (Faults.BeforePullStep is { } gate)
                    {
                        await gate(step, abort);
                    }

                    step++;
                    var completed = total * part / 4;
                    await WriteLineAsync(context, new { status = "pulling " + digest[7..19], digest, total, completed }, abort);
                }
            }

            await WriteLineAsync(context, new { status = "verifying sha256 digest" }, abort);
            await WriteLineAsync(context, new { status = "writing manifest" }, abort);
            _installed[model.Name] = model;
            await WriteLineAsync(context, new { status = "success" }, abort);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            Interlocked.Increment(ref _aborted);
            _streamAborted.TrySetResult();
        }
    }

    private async Task EmbedAsync(HttpContext context)
    {
        var body = Body(context);
        var abort = context.RequestAborted;
        if (Faults.BeforeResponse is { } before)
        {
            await before(abort);
        }

        if (Faults.StatusCode is { } status)
        {
            await WriteErrorAsync(context, status, Faults.ErrorMessage);
            return;
        }

        var name = ModelName(body);
        if (Find(name) is not { } model)
        {
            await WriteErrorAsync(context, 404, $"model \"{name}\" not found, try pulling it first");
            return;
        }

        if (model.EmbeddingLength == 0)
        {
            await WriteErrorAsync(context, 400, $"\"{name}\" does not support embeddings");
            return;
        }

        var inputs = body?["input"] switch
        {
            JsonArray array => array.Select(n => (string?)n ?? string.Empty).ToList(),
            JsonValue value => [(string?)value ?? string.Empty],
            _ => [],
        };
        _loaded[model.Name] = DateTimeOffset.UtcNow.AddMinutes(5);
        await context.Response.WriteAsJsonAsync(new
        {
            model = model.Name,
            embeddings = inputs.Select(i => EmbeddingOf(i, model.EmbeddingLength)),
            total_duration = 1_000_000,
            load_duration = 100_000,
            prompt_eval_count = inputs.Sum(i => i.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length),
        });
    }

    private async Task GenerateAsync(HttpContext context, bool chat)
    {
        var body = Body(context);
        var abort = context.RequestAborted;
        if (Faults.BeforeResponse is { } before)
        {
            await before(abort);
        }

        if (Faults.StatusCode is { } status)
        {
            await WriteErrorAsync(context, status, Faults.ErrorMessage);
            return;
        }

        var name = ModelName(body);
        if (Find(name) is not { } model)
        {
            await WriteErrorAsync(context, 404, $"model \"{name}\" not found, try pulling it first");
            return;
        }

        if (model.EmbeddingLength > 0)
        {
            await WriteErrorAsync(context, 400, $"\"{name}\" does not support {(chat ? "chat" : "generate")}");
            return;
        }

        string prompt;
        var images = 0;
        var promptWords = 0;
        if (chat)
        {
            var messages = body?["messages"] as JsonArray ?? [];
            prompt = string.Empty;
            foreach (var message in messages.OfType<JsonObject>())
            {
                var content = (string?)message["content"] ?? string.Empty;
                promptWords += content.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                if ((string?)message["role"] == "user")
                {
                    prompt = content;
                    images = message["images"] is JsonArray imgs ? imgs.Count : 0;
                    foreach (var image in (message["images"] as JsonArray ?? []).Select(i => (string?)i ?? string.Empty))
                    {
                        Convert.FromBase64String(image);
                    }
                }
            }
        }
        else
        {
            prompt = (string?)body?["prompt"] ?? string.Empty;
            promptWords = prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            images = body?["images"] is JsonArray imgs ? imgs.Count : 0;
        }

        var format = body?["format"];
        var reply = format is JsonObject schema
            ? SchemaInstance.Create(schema, prompt)!.ToJsonString(Compact)
            : format is not null
            ? JsonSerializer.Serialize(new { echo = prompt }, Compact)
            : images > 0 ? $"I see {images} image(s). You said: {prompt}" : $"You said: {prompt}";
        var tokens = Tokenize(reply);
        var doneReason = "stop";
        if (body?["options"]?["num_predict"] is JsonValue limitValue && limitValue.TryGetValue<int>(out var limit) && limit >= 0 && limit < tokens.Count)
        {
            tokens = tokens.Take(limit).ToList();
            doneReason = "length";
        }

        _loaded[model.Name] = DateTimeOffset.UtcNow.AddMinutes(5);
        var created = DateTimeOffset.UtcNow.ToString("O");
        var stream = body?["stream"] is not JsonValue streamValue || !streamValue.TryGetValue<bool>(out var s) || s;
        var done = new JsonObject
        {
            ["model"] = model.Name,
            ["created_at"] = created,
            ["done"] = true,
            ["done_reason"] = doneReason,
            ["total_duration"] = 5_000_000,
            ["load_duration"] = 1_000_000,
            ["prompt_eval_count"] = promptWords,
            ["prompt_eval_duration"] = 1_000_000,
            ["eval_count"] = tokens.Count,
            ["eval_duration"] = 3_000_000,
        };
        if (!stream)
        {
            var text = string.Concat(tokens);
            if (chat)
            {
                done["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text };
            }
            else
            {
                done["response"] = text;
            }

            await context.Response.WriteAsJsonAsync(done);
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        try
        {
            for (var i = 0; i < tokens.Count; i++)
            {
                if (Faults.BeforeToken is { } gate)
                {
                    await gate(i, abort);
                }

                if (Faults.ErrorLineAfterTokens == i)
                {
                    await WriteLineAsync(context, new { error = Faults.ErrorMessage }, abort);
                    return;
                }

                if (Faults.EofAfterTokens == i)
                {
                    context.Abort();
                    return;
                }

                if (Faults.MalformedLineAfterTokens == i)
                {
                    await context.Response.WriteAsync("{\"model\": \"" + model.Name + "\", \"message\": {\n", abort);
                    await context.Response.Body.FlushAsync(abort);
                }

                var line = new JsonObject { ["model"] = model.Name, ["created_at"] = created, ["done"] = false };
                if (chat)
                {
                    line["message"] = new JsonObject { ["role"] = "assistant", ["content"] = tokens[i] };
                }
                else
                {
                    line["response"] = tokens[i];
                }

                await WriteLineAsync(context, line, abort);
            }

            if (Faults.EofAfterTokens is { } eof && eof >= tokens.Count)
            {
                context.Abort();
                return;
            }

            if (Faults.EndWithoutDone)
            {
                return;
            }

            if (chat)
            {
                done["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Empty };
            }
            else
            {
                done["response"] = string.Empty;
            }

            await WriteLineAsync(context, done, abort);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            Interlocked.Increment(ref _aborted);
            _streamAborted.TrySetResult();
        }
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ')
            {
                tokens.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            tokens.Add(text[start..]);
        }

        return tokens;
    }

    private static async Task WriteLineAsync(HttpContext context, object line, CancellationToken cancellationToken)
    {
        var json = line is JsonNode node ? node.ToJsonString(Compact) : JsonSerializer.Serialize(line, Compact);
        await context.Response.WriteAsync(json + "\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
