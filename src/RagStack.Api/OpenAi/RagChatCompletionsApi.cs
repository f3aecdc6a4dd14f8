using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagStack.Answering;
using RagStack.Api.Ask;
using RagStack.Api.Problems;
using RagStack.Api.Tenancy;
using RagStack.Documents;
using RagStack.Domains;
using RagStack.Generation;
using RagStack.OpenAi;
using RagStack.OpenAi.ChatCompletions;
using RagStack.OpenAi.Errors;

namespace RagStack.Api.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c> answered by the RAG pipeline: the model id names a domain or an index (or the
/// <c>X-RagStack-Index</c> header names the index), the last message is the question, earlier user and assistant messages
/// are the history. System messages are left out: the answer prompt's own instructions, and the domain's, govern. The
/// cited sources travel in a <c>sources</c> field of the completion, or of the streamed chunk with the finish reason.
/// </summary>
internal static class RagChatCompletionsApi
{
    public static RouteHandlerBuilder MapRagChatCompletionsApi(this IEndpointRouteBuilder group) =>
        group.MapPost("/chat/completions", CompleteAsync)
            .WithName("CreateRagChatCompletion")
            .WithSummary("A grounded answer in OpenAI's chat completion format, whole or streamed; its cited sources in the 'sources' field.")
            .RequireAskLimiter();

    internal static async Task<IResult> CompleteAsync(
        HttpContext http, IAnswerer answerer, IDocumentCatalog catalog, IOptions<DomainsOptions> domains, TimeProvider clock,
        ILogger<ChatCompletionStream> logger, CancellationToken cancellationToken)
    {
        var (request, refusal) = await ChatCompletionRequest.ReadAsync(http.Request, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var messages = request!.Messages!;
        var question = messages[^1];
        if (ChatCompletionMessage.RoleOf(question.Role) != ChatRole.User || string.IsNullOrWhiteSpace(question.Content))
        {
            return OpenAiError.InvalidRequest("The last message must be the user's question, with text.", $"messages[{messages.Count - 1}]");
        }

        var tenant = RequestTenant.Of(http);
        var (domain, index, unknown) = await RagModels.ResolveAsync(request.Model!, http.Request, catalog, domains.Value, tenant, cancellationToken);
        if (unknown is not null)
        {
            return unknown;
        }

        var ask = new AskRequest
        {
            Question = question.Content!,
            Domain = domain,
            Index = index,
            Tenant = tenant,
            History = [.. messages.SkipLast(1).Select(m => (Role: ChatCompletionMessage.RoleOf(m.Role)!.Value, m.Content)).Where(m => m.Role != ChatRole.System).Select(m => new ChatMessage(m.Role, m.Content ?? ""))],
            MaxOutputTokens = request.MaxOutputTokens,
            Temperature = request.Temperature,
        };
        var header = CompletionHeader.New(request.Model!, clock);
        try
        {
            if (!request.Stream)
            {
                // The same two updates a stream ends with, merged: the text, then the finish reason, usage and sources.
                var answer = await answerer.AskAsync(ask, cancellationToken);
                var reply = new[] { new ChatResponseUpdate(ChatRole.Assistant, answer.Text), Finished(answer) }.ToChatResponse();
                return TypedResults.Json(ChatCompletion.Of(header, reply), OpenAiJson.Default.ChatCompletion);
            }

            return await ChatCompletionStream.StartAsync(header, UpdatesOf(answerer.AskStreamingAsync(ask, cancellationToken), cancellationToken), request.StreamOptions?.IncludeUsage ?? false, logger, cancellationToken);
        }
        catch (Exception e) when (ProblemExceptionHandler.Describe(e) is { Status: { } status } problem)
        {
            // The REST API's problem for the same error, in OpenAI's shape.
            var (param, code) = e is ContextWindowExceededException ? ("messages", "context_length_exceeded") : ((string?)null, (string?)null);
            return OpenAiError.Result(status, problem.Detail ?? problem.Title ?? "The question cannot be answered.", OpenAiError.TypeOf(status), param, code);
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> UpdatesOf(IAsyncEnumerable<AnswerUpdate> answer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var update in answer.WithCancellation(cancellationToken))
        {
            if (update.Completed is { } completed)
            {
                yield return Finished(completed);
            }
            else if (update.Text.Length > 0)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, update.Text);
            }
        }
    }

    /// <summary>The end of an answer as the reply's last update: the finish reason, the token counts and the sources.</summary>
    private static ChatResponseUpdate Finished(Answer answer) => new(ChatRole.Assistant, [new UsageContent(new UsageDetails
    {
        InputTokenCount = answer.Usage?.PromptTokens,
        OutputTokenCount = answer.Usage?.OutputTokens,
    })])
    {
        FinishReason = ChatFinishReason.Stop,
        AdditionalProperties = new() { [RagSource.Field] = RagSource.JsonOf(answer.Sources) },
    };
}
