global using LocalAI.OpenAI.Tests.Fixtures;
global using LocalAI.Testing.LlamaServer;
global using Microsoft.Extensions.AI;
