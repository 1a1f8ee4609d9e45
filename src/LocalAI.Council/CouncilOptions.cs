namespace LocalAI.Council;

/// <summary>Options of a <see cref="ChatCouncil"/>, bound from the <c>LocalAI:Council</c> configuration section.</summary>
public sealed class CouncilOptions
{
    /// <summary>The configuration section, under <c>LocalAI</c>, these options bind from.</summary>
    public const string SectionName = "Council";

    /// <summary>Gets or sets the agents; each gets the id <c>agent_1</c>, <c>agent_2</c>, ... in this order, even when two use the same model.</summary>
    /// <value>The default value is empty; at least one agent is required.</value>
    public IList<CouncilAgentOptions> Agents { get; set; } = [];

    /// <summary>Gets or sets the chairman, who writes the final answer from the opinions and the ranking.</summary>
    /// <value>The default value is <see langword="null"/>: the first agent's client and model.</value>
    public CouncilAgentOptions? Chairman { get; set; }

    /// <summary>Gets or sets who writes the final answer when the chairman fails.</summary>
    /// <value>The default value is <see langword="null"/>: the top-ranked agent.</value>
    public CouncilAgentOptions? FallbackChairman { get; set; }

    /// <summary>Gets or sets how many opinions must succeed for the council to go on.</summary>
    /// <value>The default value is 2 (or the number of agents, when fewer).</value>
    public int Quorum { get; set; } = 2;

    /// <summary>Gets or sets how long one generation (an opinion, a review, the synthesis) may take; the time waiting for a concurrency slot is not counted.</summary>
    /// <value>The default value is 120 seconds.</value>
    public TimeSpan GenerationTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets the most concurrent generations per endpoint, by endpoint name (see <see cref="CouncilAgentOptions.Endpoint"/>), for example Ollama's <c>OLLAMA_NUM_PARALLEL</c> of each worker.</summary>
    /// <value>The default value is empty: every endpoint gets <see cref="DefaultConcurrencyLimit"/>.</value>
    public IDictionary<string, int> ConcurrencyLimits { get; set; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the most concurrent generations on an endpoint not listed in <see cref="ConcurrencyLimits"/>; zero means no limit.</summary>
    /// <value>The default value is 0: no limit.</value>
    public int DefaultConcurrencyLimit { get; set; }

    /// <summary>Gets or sets whether reviews are requested with a JSON schema (<c>ChatResponseFormat.ForJsonSchema</c>) rather than plain JSON mode; backends without schema support ignore it.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseJsonSchemaForReviews { get; set; } = true;

    /// <summary>Gets or sets the seed of the per-reviewer shuffling of responses and of the prompts' data-marker codes, for reproducible runs (the same prompts every session).</summary>
    /// <value>The default value is <see langword="null"/>: a new random order every session.</value>
    public int? ShuffleSeed { get; set; }
}
