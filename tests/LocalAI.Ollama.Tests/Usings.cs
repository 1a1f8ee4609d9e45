global using LocalAI.Ollama.TestServer;
global using Microsoft.Extensions.AI;
