using LocalAI;
using LocalAI.Council;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the council: <c>services.AddLocalAI(b => b.AddOllama().AddCouncil(o => ...))</c>.</summary>
public static class CouncilLocalAIBuilderExtensions
{
    /// <summary>Registers a singleton <see cref="ChatCouncil"/> with options bound from <c>LocalAI:Council</c> (when <c>AddLocalAI</c> was given configuration), then changed by <paramref name="configure"/>, validated at start.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="configure">Changes the options in code (agents with a <see cref="CouncilAgentOptions.Client"/> can only be set here).</param>
    /// <returns>The builder, to keep composing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddCouncil(this ILocalAIBuilder builder, Action<CouncilOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<CouncilOptions>();
        if (builder.Configuration?.GetSection(CouncilOptions.SectionName) is { } section && section.Exists())
        {
            options.Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CouncilOptions>, CouncilOptionsValidator>());
        builder.Services.TryAddSingleton(sp => new ChatCouncil(
            sp.GetRequiredService<IOptions<CouncilOptions>>().Value,
            sp,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ChatCouncil>>()));
        return builder;
    }
}
