using LocalAI;
using LocalAI.Ollama;
using LocalAI.Ollama.Embedded;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Ollama backends: <c>services.AddLocalAI(b => b.AddOllama())</c>.</summary>
public static class OllamaLocalAIBuilderExtensions
{
    /// <summary>Adds a backend over one or several Ollama servers someone else runs, with settings from <c>LocalAI:Ollama</c> and then <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="configure">Changes the settings after configuration binding.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public static ILocalAIBuilder AddOllama(this ILocalAIBuilder builder, Action<OllamaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new OllamaOptions();
        builder.Configuration?.GetSection(OllamaOptions.SectionName).Bind(options);
        configure?.Invoke(options);
        options.Validate();
        return builder.AddBackend(options.Id, sp => new OllamaBackend(
            options,
            sp.GetService<ILoggerFactory>()?.CreateLogger<OllamaBackend>(),
            sp.GetService<TimeProvider>()));
    }

    /// <summary>Adds a backend over several Ollama servers; requests go to the one with the fewest in flight.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="endpoints">The servers.</param>
    /// <param name="configure">Changes the other settings.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    public static ILocalAIBuilder AddOllama(this ILocalAIBuilder builder, IEnumerable<Uri> endpoints, Action<OllamaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var list = endpoints.ToList();
        return builder.AddOllama(o =>
        {
            o.Endpoints = list;
            configure?.Invoke(o);
        });
    }

    /// <summary>Adds a backend over an Ollama server the SDK runs itself (<c>ollama serve</c> on a loopback port), with settings from <c>LocalAI:OllamaEmbedded</c> and then <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="configure">Changes the settings after configuration binding.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public static ILocalAIBuilder AddOllamaEmbedded(this ILocalAIBuilder builder, Action<OllamaEmbeddedOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new OllamaEmbeddedOptions();
        builder.Configuration?.GetSection(OllamaEmbeddedOptions.SectionName).Bind(options);
        configure?.Invoke(options);
        options.Validate();
        options.Client.Validate();
        return builder.AddBackend(options.Client.Id, sp => new OllamaEmbeddedBackend(
            options,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
    }
}
