using Microsoft.AspNetCore.Http.HttpResults;
using RagStack.Api.Problems;
using RagStack.Conversations;

namespace RagStack.Api.Conversations;

/// <summary>The body of <c>POST /api/conversations</c>; every field may be left out.</summary>
/// <param name="Title">The conversation's title; null for its first question's start.</param>
/// <param name="Index">The index its questions are answered from; null for the domain's, else <c>default</c>.</param>
/// <param name="Domain">A configured domain its questions are asked in.</param>
internal sealed record CreateConversationBody(string? Title, string? Index, string? Domain);

/// <summary>The body of <c>PATCH /api/conversations/{id}</c>.</summary>
/// <param name="Title">The new title.</param>
internal sealed record RenameConversationBody(string? Title);

/// <summary>The body of <c>POST /api/conversations/{id}/messages</c>.</summary>
/// <param name="Question">The question; may be a follow-up. Not needed to regenerate.</param>
/// <param name="Mode"><c>ask</c> (default), <c>regenerate</c> (answer the last question again) or <c>replaceLastQuestion</c> (edit and resend).</param>
/// <param name="Index">The index to answer from; null for the conversation's.</param>
/// <param name="Domain">The domain to ask in; null for the conversation's.</param>
/// <param name="Top">How many retrieved chunks to offer the generator, 1 to 1000; default 8.</param>
/// <param name="MaxTokens">The most tokens the answer may have.</param>
/// <param name="Temperature">Sampling temperature, 0 to 2.</param>
internal sealed record ConversationQuestionBody(string? Question, ConversationAskMode? Mode, string? Index, string? Domain, int? Top, int? MaxTokens, float? Temperature)
{
    /// <summary>The 400 for a setting out of range, in the words <c>POST /api/ask</c> uses; null when all are fine.</summary>
    public ProblemHttpResult? Validate() =>
        Mode != ConversationAskMode.Regenerate && string.IsNullOrWhiteSpace(Question) ? RequestProblems.Invalid("The question is empty; send {\"question\": \"what you want to know\"}.")
        : Top is < 1 or > 1000 ? RequestProblems.Invalid("top must be between 1 and 1000.")
        : MaxTokens is < 1 ? RequestProblems.Invalid("maxTokens must be at least 1.")
        : Temperature is { } t && (!float.IsFinite(t) || t is < 0 or > 2) ? RequestProblems.Invalid("temperature must be between 0 and 2.")
        : RequestProblems.InvalidIndex(Index) is { } index ? index
        : null;

    public ConversationQuestion ToQuestion() => new()
    {
        Question = Question,
        Mode = Mode ?? ConversationAskMode.Ask,
        Index = Index,
        Domain = Domain,
        Top = Top,
        MaxOutputTokens = MaxTokens,
        Temperature = Temperature,
    };
}

/// <summary>The caller's conversations.</summary>
internal sealed record ConversationListResponse(IReadOnlyList<ConversationSummary> Conversations);
