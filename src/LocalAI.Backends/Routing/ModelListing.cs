namespace LocalAI;

/// <summary>The models of every backend, grouped by backend id, in the order the router tries the backends (serialised as <c>{"backends":{"id":{"info":...,"models":[...],"installed":[...]}}}</c>).</summary>
/// <param name="Backends">One entry per backend, by id.</param>
public sealed record ModelListing(IReadOnlyDictionary<string, BackendModels> Backends);
