namespace LocalAI;

/// <summary>A backend registered through <see cref="ILocalAIBuilder.AddBackend"/>; resolved by the backend manager in registration order.</summary>
/// <param name="Id">The backend's unique identifier.</param>
/// <param name="Order">The position in which it was registered.</param>
public sealed record LocalBackendRegistration(string Id, int Order);
