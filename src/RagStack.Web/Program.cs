using RagStack.ServiceDefaults;
using RagStack.Web.ApiForwarding;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddApiForwarding(builder.Configuration);
builder.Services.AddHealthChecks();

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapApiForwarding();
app.MapHealthChecks("/health");
app.MapDefaultEndpoints();
app.Run();

/// <summary>The web app's entry point; public so tests can host it in process.</summary>
public partial class Program;
