using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using RagStack.Api.Ask;
using RagStack.Api.Streaming;
using RagStack.Api.Tenancy;
using RagStack.Conversations;
using RagStack.Input;

namespace RagStack.Api.Conversations;

/// <summary>
/// Maps the caller's conversations: list (search by title), create, read, rename, delete, and ask in one (server-sent
/// events). Every call sees only the caller's tenant; another tenant's conversation is answered 404, like one that does
/// not exist.
/// </summary>
public static class ConversationsApi
{
    /// <summary>Maps <c>{group}/conversations</c> on <paramref name="routes"/>.</summary>
    public static RouteGroupBuilder MapConversationsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var group = routes.MapGroup("/conversations").WithTags("Conversations");
        group.MapGet("/", ListAsync)
            .WithName("ListConversations")
            .WithSummary("The caller's conversations, the most recently updated first; ?search= keeps those whose title holds it.");
        group.MapPost("/", CreateAsync)
            .WithName("CreateConversation")
            .WithSummary("Starts a conversation; without a title it takes its first question's start.")
            .Produces<ConversationSummary>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetConversation")
            .WithSummary("The conversation with its messages, oldest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", RenameAsync)
            .WithName("RenameConversation")
            .WithSummary("Gives the conversation a new title.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteConversation")
            .WithSummary("Removes the conversation and its messages.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/messages", AskAsync)
            .WithName("AskInConversation")
            .WithSummary("Asks in the conversation (or answers its last question again, or replaces it); the steps stream as server-sent events: question, retrieving, retrieved, token…, then completed or failed.")
            .Produces<ConversationUpdate>(StatusCodes.Status200OK, EventStream.MediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireAskLimiter();
        return group;
    }

    private static async Task<Ok<ConversationListResponse>> ListAsync([FromQuery] string? search, HttpContext http, IConversations conversations, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ConversationListResponse(await conversations.ListAsync(RequestTenant.Of(http), search, cancellationToken)));

    private static async Task<Created<ConversationSummary>> CreateAsync(CreateConversationBody? body, HttpContext http, IConversations conversations, CancellationToken cancellationToken)
    {
        var created = await conversations.CreateAsync(RequestTenant.Of(http), body?.Title, body?.Index, body?.Domain, cancellationToken);
        return TypedResults.Created($"{http.Request.PathBase}/api/conversations/{created.Id}", created);
    }

    private static async Task<Results<Ok<Conversation>, ProblemHttpResult>> GetAsync(string id, HttpContext http, IConversations conversations, CancellationToken cancellationToken) =>
        await conversations.GetAsync(RequestTenant.Of(http), id, cancellationToken) is { } conversation ? TypedResults.Ok(conversation) : NotFound(id);

    private static async Task<Results<Ok<ConversationSummary>, ProblemHttpResult>> RenameAsync(
        string id, RenameConversationBody body, HttpContext http, IConversations conversations, CancellationToken cancellationToken) =>
        await conversations.RenameAsync(RequestTenant.Of(http), id, body.Title!, cancellationToken) is { } renamed ? TypedResults.Ok(renamed) : NotFound(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, IConversations conversations, CancellationToken cancellationToken) =>
        await conversations.DeleteAsync(RequestTenant.Of(http), id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<IResult> AskAsync(string id, ConversationQuestionBody body, HttpContext http, IConversations conversations, CancellationToken cancellationToken)
    {
        if (body.Validate() is { } problem)
        {
            return problem;
        }

        // The first step (loading the conversation, condensing, routing, storing the question) runs before the response
        // starts, so an unknown conversation or domain is still answered with problem details rather than a broken stream.
        var updates = conversations.AskAsync(RequestTenant.Of(http), id, body.ToQuestion(), cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            return await updates.MoveNextAsync() ? new ConversationEventStream(updates) : throw new InvalidOperationException("The conversation answered nothing.");
        }
        catch (ConversationNotFoundException)
        {
            await updates.DisposeAsync();
            return NotFound(id);
        }
        catch
        {
            await updates.DisposeAsync();
            throw;
        }
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(detail: $"There is no conversation {UntrustedText.Quote(id)}; list them with GET /api/conversations or create one with POST /api/conversations.", statusCode: StatusCodes.Status404NotFound, title: "Conversation not found");
}
