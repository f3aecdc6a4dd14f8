using RagStack.Api;
using RagStack.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRagStackApi();
var app = builder.Build();
app.MapRagStackApi();
app.MapDefaultEndpoints();
app.Run();

/// <summary>The service's entry point; public so tests can host it in process.</summary>
public partial class Program;
