using LocalAI.Samples.Web;

// The web console: backends, models, chat, RAG and council in a browser, served with the SDK's HTTP endpoints.
// dotnet run --project samples/LocalAI.Samples.Web -- --gguf model.gguf   then open http://127.0.0.1:5080
var app = WebConsole.Build(args);
await app.RunAsync();
