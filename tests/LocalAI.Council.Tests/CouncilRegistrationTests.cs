using LocalAI.Council.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using FakeBackend = LocalAI.Testing.FakeBackend;

namespace LocalAI.Council.Tests;

public sealed class CouncilRegistrationTests
{
    private static ScriptedChatClient Echo(string name) => new(name, call => Task.FromResult(Script.Reply(call.Kind switch
    {
        CallKind.Opinion => $"{name} answers for {call.Options?.ModelId ?? "default"}.",
        CallKind.Synthesis => "Final.",
        _ => Script.Review(call),
    })));

    private static ServiceProvider Build(Dictionary<string, string?> settings, FakeBackend pc1, FakeBackend pc2, Action<CouncilOptions>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLocalAI(configuration.GetSection("LocalAI"), b => b
            .AddBackend("pc1", _ => pc1)
            .AddBackend("pc2", _ => pc2)
            .AddCouncil(configure));
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AgentsFromConfiguration_ResolveKeyedBackendsAndTheRouter()
    {
        var pc1Client = Echo("pc1");
        var pc2Client = Echo("pc2");
        var pc1 = new FakeBackend("pc1") { ChatClient = pc1Client };
        var pc2 = new FakeBackend("pc2") { ChatClient = pc2Client };
        var settings = new Dictionary<string, string?>
        {
            ["LocalAI:Council:Agents:0:Backend"] = "pc2",
            ["LocalAI:Council:Agents:0:Model"] = "qwen2.5:0.5b",
            ["LocalAI:Council:Agents:1:Model"] = "llama3.2:1b",
            ["LocalAI:Council:Agents:1:SystemPrompt"] = "Be brief.",
            ["LocalAI:Council:Quorum"] = "2",
            ["LocalAI:Council:GenerationTimeout"] = "00:00:45",
            ["LocalAI:Council:ConcurrencyLimits:pc2"] = "3",
        };
        await using var sp = Build(settings, pc1, pc2);

        var council = sp.GetRequiredService<ChatCouncil>();
        var session = await council.RunAsync("Q?").Within();

        Assert.Equal(TimeSpan.FromSeconds(45), council.Options.GenerationTimeout);
        Assert.Equal(3, council.Options.ConcurrencyLimits["pc2"]);
        Assert.Contains("qwen2.5:0.5b", pc2.RequestedChatModels);
        Assert.Equal("pc2 answers for qwen2.5:0.5b.", session.Opinions[0].Text);

        // The second agent names no backend: the router (first backend in priority order) serves it, with the model in ChatOptions.
        Assert.Equal("pc1 answers for llama3.2:1b.", session.Opinions[1].Text);
        var routed = Assert.Single(pc1Client.CallsOf(CallKind.Opinion));
        Assert.Equal("Be brief.", routed.Messages[0].Text);
        Assert.Equal(["agent_1", "agent_2"], council.AgentIds);
        Assert.Equal(["llama3.2:1b", "qwen2.5:0.5b"], session.TokenUsage.Stage1Opinions.ByModel.Keys);
    }

    [Fact]
    public async Task CodeConfiguration_RunsAfterBinding_AndCanSetClientsDirectly()
    {
        var direct = Echo("direct");
        var settings = new Dictionary<string, string?> { ["LocalAI:Council:Agents:0:Backend"] = "pc1" };
        await using var sp = Build(settings, new FakeBackend("pc1") { ChatClient = Echo("pc1") }, new FakeBackend("pc2") { ChatClient = Echo("pc2") }, o =>
        {
            o.Agents.Add(new CouncilAgentOptions { Client = direct, Model = "direct-model" });
            o.Chairman = new CouncilAgentOptions { Client = direct, Model = "direct-model" };
        });

        var session = await sp.GetRequiredService<ChatCouncil>().RunAsync("Q?").Within();

        Assert.Equal(2, session.Opinions.Count);
        Assert.Equal("direct answers for direct-model.", session.Opinions[1].Text);
        Assert.Single(direct.CallsOf(CallKind.Synthesis));
    }

    [Fact]
    public async Task UnknownBackend_FailsWithAClearMessage()
    {
        var settings = new Dictionary<string, string?> { ["LocalAI:Council:Agents:0:Backend"] = "pc9" };
        await using var sp = Build(settings, new FakeBackend("pc1") { ChatClient = Echo("pc1") }, new FakeBackend("pc2") { ChatClient = Echo("pc2") });

        var ex = Assert.Throws<InvalidOperationException>(sp.GetRequiredService<ChatCouncil>);
        Assert.Contains("names backend 'pc9', but no backend with that id is registered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidConfiguration_FailsValidation()
    {
        var settings = new Dictionary<string, string?>
        {
            ["LocalAI:Council:Agents:0:Model"] = "m",
            ["LocalAI:Council:Quorum"] = "0",
            ["LocalAI:Council:ConcurrencyLimits:pc1"] = "0",
        };
        await using var sp = Build(settings, new FakeBackend("pc1") { ChatClient = Echo("pc1") }, new FakeBackend("pc2") { ChatClient = Echo("pc2") });

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<CouncilOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("Quorum is 0", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ConcurrencyLimits:pc1 is 0", StringComparison.Ordinal));
    }
}
