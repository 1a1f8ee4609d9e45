using LocalAI.Council;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalAI.AspNetCore;

/// <summary>Turns a <see cref="CouncilSessionRequest"/> into the council that runs it, or a 400 naming the field at fault.</summary>
internal static class CouncilSessionFactory
{
    public static CouncilLease Create(CouncilSessionRequest request, IServiceProvider services)
    {
        if (string.IsNullOrWhiteSpace(request.Question))
        {
            throw HttpError.BadRequest("question", "The field 'question' is required: the question to the council.", "missing_required_parameter");
        }

        if (request.MaxOutputTokens is < 1)
        {
            throw HttpError.BadRequest("maxOutputTokens", $"The field 'maxOutputTokens' must be at least 1 (was {request.MaxOutputTokens}).");
        }

        if (request.Temperature is { } temperature && !(temperature >= 0 && temperature <= 2))
        {
            throw HttpError.BadRequest("temperature", $"The field 'temperature' must be between 0 and 2 (was {temperature}).");
        }

        if (request.Agents is not { Count: > 0 } agents)
        {
            return Registered(request, services);
        }

        if (agents.Count < 2)
        {
            throw HttpError.BadRequest("agents", "The field 'agents' needs two or more agents, each {\"backend\": \"<id>\", \"model\": \"<optional>\"}.");
        }

        var manager = services.GetRequiredService<BackendManager>();
        var options = new CouncilOptions { Quorum = 2, ShuffleSeed = request.ShuffleSeed };
        for (var i = 0; i < agents.Count; i++)
        {
            options.Agents.Add(Agent(agents[i], $"agents[{i}]", manager, request));
        }

        if (request.Chairman is not null)
        {
            options.Chairman = Agent(request.Chairman, "chairman", manager, request);
        }

        var council = new ChatCouncil(options, services, services.GetService<TimeProvider>(), services.GetService<ILogger<ChatCouncil>>());
        return new CouncilLease(council, owned: true);
    }

    private static CouncilLease Registered(CouncilSessionRequest request, IServiceProvider services)
    {
        var field = request.Chairman is not null ? "chairman"
            : request.MaxOutputTokens is not null ? "maxOutputTokens"
            : request.Temperature is not null ? "temperature"
            : request.ShuffleSeed is not null ? "shuffleSeed"
            : null;
        if (field is not null)
        {
            throw HttpError.BadRequest(field, $"The field '{field}' applies to the agents a request names; name them in 'agents', or leave '{field}' out to use the server's council as configured.");
        }

        var council = services.GetService<ChatCouncil>()
            ?? throw HttpError.BadRequest("agents",
                "The field 'agents' is required: this server has no council of its own (AddCouncil); name two or more agents, each {\"backend\": \"<id>\", \"model\": \"<optional>\"}.",
                "missing_required_parameter");
        return new CouncilLease(council, owned: false);
    }

    private static CouncilAgentOptions Agent(CouncilAgentRequest agent, string field, BackendManager manager, CouncilSessionRequest request)
    {
        var backend = manager.Backends.FirstOrDefault(b => string.Equals(b.Id, agent.Backend, StringComparison.OrdinalIgnoreCase))
            ?? throw HttpError.BadRequest($"{field}.backend",
                $"The field '{field}.backend' names no registered backend (registered: {string.Join(", ", manager.Backends.Select(b => b.Id))}).");
        if (!backend.Capabilities.HasFlag(BackendCapabilities.Chat))
        {
            throw HttpError.BadRequest($"{field}.backend", $"The field '{field}.backend' names '{backend.Id}', which does not serve chat.");
        }

        var model = string.IsNullOrWhiteSpace(agent.Model) ? null : agent.Model.Trim();
        var client = backend.GetChatClient(model);
        if (request.Temperature is { } temperature)
        {
            client = client.AsBuilder().ConfigureOptions(o => o.Temperature ??= (float)temperature).Build();
        }

        // Agents on one backend share its endpoint, so the council's per-endpoint limits apply to them together.
        return new CouncilAgentOptions { Client = client, Endpoint = backend.Id, Model = model, MaxOutputTokens = request.MaxOutputTokens };
    }
}
