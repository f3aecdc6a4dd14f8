using RagStack.Conversations;

namespace RagStack.Client.Conversations;

/// <summary>The body of <c>POST /api/conversations</c>.</summary>
internal sealed record CreateConversationBody(string? Title, string? Index, string? Domain);

/// <summary>The body of <c>PATCH /api/conversations/{id}</c>.</summary>
internal sealed record RenameConversationBody(string Title);

/// <summary>The answer of <c>GET /api/conversations</c>.</summary>
internal sealed record ConversationListBody(IReadOnlyList<ConversationSummary> Conversations);

/// <summary>The body of <c>POST /api/conversations/{id}/messages</c>.</summary>
internal sealed record ConversationQuestionBody(string? Question, ConversationAskMode Mode, string? Index, string? Domain, int? Top, int? MaxTokens, float? Temperature)
{
    public static ConversationQuestionBody From(ConversationQuestion question) =>
        new(question.Question, question.Mode, question.Index, question.Domain, question.Top, question.MaxOutputTokens, question.Temperature);
}
