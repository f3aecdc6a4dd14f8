using RagStack.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddRagStackApi();
var app = builder.Build();
app.MapRagStackApi();
app.Run();

/// <summary>The service's entry point; public so tests can host it in process.</summary>
public partial class Program;
