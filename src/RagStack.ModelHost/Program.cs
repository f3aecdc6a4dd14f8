using RagStack.ModelHost;
using RagStack.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddRagStackModelHost(builder.Configuration);

var app = builder.Build();
app.MapModelHostApi();
app.MapDefaultEndpoints();
app.Run();
