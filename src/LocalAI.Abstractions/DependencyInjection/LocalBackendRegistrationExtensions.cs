using LocalAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The one registration every backend package's <c>AddXxx()</c> is written with: named options, validation at start, the keyed backend and its clients.</summary>
public static class LocalBackendRegistrationExtensions
{
    /// <summary>Registers a backend under <paramref name="id"/>, with options bound from <c>LocalAI:&lt;id&gt;</c>, changed by <paramref name="configure"/> and validated by <typeparamref name="TValidator"/> at start.</summary>
    /// <typeparam name="TOptions">The backend's options type; one named instance per backend id.</typeparam>
    /// <typeparam name="TValidator">Validates the options; it receives the backend id as the options name, so its messages can name the configuration key.</typeparam>
    /// <param name="builder">The builder <c>AddLocalAI</c> handed out.</param>
    /// <param name="id">The backend id: the keyed-service key, the configuration sub-section and the name the router reports.</param>
    /// <param name="configure">Changes the options in code, after configuration binding; <see langword="null"/> for none.</param>
    /// <param name="create">Creates the backend from the service provider, its id and its validated options; called once.</param>
    /// <returns>The builder, to keep composing.</returns>
    /// <remarks>
    /// Besides the keyed <see cref="ILocalBackend"/>, the backend's own <see cref="IChatClient"/> and
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> are registered under the same key, for callers that want one
    /// backend without the router. Resolving one the backend cannot serve throws <see cref="NotSupportedException"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="create"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or a backend with that id is already registered.</exception>
    public static ILocalAIBuilder AddLocalBackend<TOptions, TValidator>(
        this ILocalAIBuilder builder,
        string id,
        Action<TOptions>? configure,
        Func<IServiceProvider, string, TOptions, ILocalBackend> create)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(create);

        var options = builder.Services.AddOptions<TOptions>(id);
        if (builder.Configuration?.GetSection(id) is { } section && section.Exists())
        {
            options.Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        builder.AddBackend(id, sp => create(sp, id, sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(id)));
        builder.Services.TryAddKeyedSingleton<IChatClient>(id, static (sp, key) => Backend(sp, key).GetChatClient());
        builder.Services.TryAddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(id, static (sp, key) => Backend(sp, key).GetEmbeddingGenerator());
        return builder;
    }

    private static ILocalBackend Backend(IServiceProvider services, object? key) => services.GetRequiredKeyedService<ILocalBackend>(key);
}
