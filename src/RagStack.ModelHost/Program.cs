using RagStack.ModelHost;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddRagStackModelHost();

var app = builder.Build();
app.MapModelHostApi();
app.Run();
