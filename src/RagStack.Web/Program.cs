using RagStack.ServiceDefaults;
using RagStack.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRagStackWeb();

var app = builder.Build();
app.MapRagStackWeb();
app.MapDefaultEndpoints();
app.Run();

/// <summary>The web app's entry point; public so tests can host it in process.</summary>
public partial class Program;
