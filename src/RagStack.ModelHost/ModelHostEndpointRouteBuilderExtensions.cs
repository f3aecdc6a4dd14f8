using RagStack.ModelHost.ChatCompletions;
using RagStack.ModelHost.Models;

namespace RagStack.ModelHost;

/// <summary>Maps the model host's HTTP API.</summary>
public static class ModelHostEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the OpenAI-compatible <c>GET /v1/models</c> and <c>POST /v1/chat/completions</c>, and <c>GET /health</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapModelHostApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var v1 = app.MapGroup("/v1");
        v1.MapModelsApi();
        v1.MapChatCompletionsApi();
        app.MapHealthChecks("/health");
        return app;
    }
}
