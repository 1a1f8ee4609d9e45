namespace LocalAI;

/// <summary>The one answer of a backend's <c>IChatClient</c> or <c>IEmbeddingGenerator</c> to <c>GetService</c>: its metadata, itself (or an interface it implements), nothing keyed.</summary>
public static class BackendClientServices
{
    /// <summary>Returns what a backend's client offers for <paramref name="serviceType"/>.</summary>
    /// <typeparam name="TMetadata">The metadata type (<c>ChatClientMetadata</c>, <c>EmbeddingGeneratorMetadata</c>).</typeparam>
    /// <param name="client">The client asked.</param>
    /// <param name="metadata">Its metadata now.</param>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">The key asked for; a backend's clients offer nothing keyed.</param>
    /// <returns><paramref name="metadata"/>, <paramref name="client"/>, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public static object? Get<TMetadata>(object client, TMetadata metadata, Type serviceType, object? serviceKey)
        where TMetadata : class
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(TMetadata) ? metadata
            : serviceType.IsInstanceOfType(client) ? client
            : null;
    }
}
