using LocalAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers LocalAI.Backends: <c>services.AddLocalAI(b => b.AddOllama().AddGguf(...)).UseChat(c => c.UseLogging())</c>.</summary>
public static class LocalAIServiceCollectionExtensions
{
    /// <summary>Registers the backend manager, the fallback router at the core of the default <see cref="IChatClient"/> and <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> pipelines, health checks and start-up probing.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adds backends and settings.</param>
    /// <returns>The builder, to keep adding backends and to compose the pipelines with <see cref="UseChat"/> and <see cref="UseEmbeddings"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddLocalAI(this IServiceCollection services, Action<ILocalAIBuilder>? configure = null) =>
        AddLocalAICore(services, null, configure);

    /// <summary>Registers LocalAI with options bound from a configuration section (usually <c>configuration.GetSection("LocalAI")</c>), validated at start.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>LocalAI</c> section; backends bind their options from its sub-section named by their id.</param>
    /// <param name="configure">Adds backends and settings.</param>
    /// <returns>The builder, to keep adding backends and to compose the pipelines.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddLocalAI(this IServiceCollection services, IConfiguration configuration, Action<ILocalAIBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddLocalAICore(services, configuration, configure);
    }

    /// <summary>Changes the manager and router options in code, after configuration binding.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder Configure(this ILocalAIBuilder builder, Action<LocalAIOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Composes middleware around the router in the default <see cref="IChatClient"/>: <c>.UseChat(c => c.UseLogging().UseOpenTelemetry().UseDistributedCache())</c>.</summary>
    /// <param name="builder">The builder <c>AddLocalAI</c> returned.</param>
    /// <param name="configure">Adds middleware to the pipeline; the first one added is the outermost, as in <see cref="ChatClientBuilder"/>.</param>
    /// <returns>The builder.</returns>
    /// <remarks>The container owns the pipeline it builds and disposes it; nothing at a call site owns the router.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder UseChat(this ILocalAIBuilder builder, Action<ChatClientBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(LocalAIPipelines.From(builder.Services).Chat);
        return builder;
    }

    /// <summary>Composes middleware around the router in the default <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: <c>.UseEmbeddings(e => e.UseOpenTelemetry().UseDistributedCache())</c>.</summary>
    /// <param name="builder">The builder <c>AddLocalAI</c> returned.</param>
    /// <param name="configure">Adds middleware to the pipeline; the first one added is the outermost.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder UseEmbeddings(this ILocalAIBuilder builder, Action<EmbeddingGeneratorBuilder<string, Embedding<float>>> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(LocalAIPipelines.From(builder.Services).Embeddings);
        return builder;
    }

    private static LocalAIBuilder AddLocalAICore(IServiceCollection services, IConfiguration? configuration, Action<ILocalAIBuilder>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new LocalAIBuilder(services, configuration);

        var options = services.AddOptions<LocalAIOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalAIOptions>, LocalAIOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            // Options first: bad configuration fails before any backend is created.
            var validated = sp.GetRequiredService<IOptions<LocalAIOptions>>().Value;
            var backends = sp.GetServices<LocalBackendRegistration>()
                .OrderBy(r => r.Order)
                .Select(r => sp.GetRequiredKeyedService<ILocalBackend>(r.Id))
                .ToList();
            return new BackendManager(backends, validated, sp.GetService<ILogger<BackendManager>>(), sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton(sp => new FallbackChatClient(sp.GetRequiredService<BackendManager>()));
        services.TryAddSingleton(sp => new FallbackEmbeddingGenerator(sp.GetRequiredService<BackendManager>()));
        if (!services.Any(d => d.ServiceType == typeof(LocalAIPipelines)))
        {
            var pipelines = new LocalAIPipelines();
            services.AddSingleton(pipelines);
            services.TryAddSingleton(sp => pipelines.Chat.Build(sp));
            services.TryAddSingleton(sp => pipelines.Embeddings.Build(sp));
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LocalAIInitializer>());
        services.AddHealthChecks();

        configure?.Invoke(builder);
        return builder;
    }
}
