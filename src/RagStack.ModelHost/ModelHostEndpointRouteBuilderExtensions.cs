using RagStack.ModelHost.ChatCompletions;
using RagStack.ModelHost.Models;
using RagStack.OpenAi.Embeddings;
using RagStack.OpenAi.Errors;

namespace RagStack.ModelHost;

/// <summary>Maps the model host's HTTP API.</summary>
public static class ModelHostEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the OpenAI-compatible <c>GET /v1/models</c>, <c>POST /v1/chat/completions</c> and <c>POST /v1/embeddings</c>,
    /// and <c>GET /health</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapModelHostApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var v1 = app.MapGroup("/v1").AnswerUnexpectedErrorsAsOpenAi();
        v1.MapModelsApi();
        v1.MapChatCompletionsApi();
        v1.MapEmbeddingsApi();
        app.MapHealthChecks("/health");
        return app;
    }
}
