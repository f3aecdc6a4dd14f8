using Microsoft.Extensions.AI;

namespace RagStack.SemanticKernel.Tests;

/// <summary>
/// A scripted model, since no model here makes tool calls: asked a question with tools, it calls the tool named
/// <paramref name="toolName"/> with the question (as its <paramref name="argumentName"/>); given that tool's result, it answers with the result quoted. It records
/// the tools it was offered and the result it was given.
/// </summary>
internal sealed class FakeToolCallingChatClient(string toolName, string argumentName = "question") : FakeChatClient
{
    public IReadOnlyList<string> OfferedTools { get; private set; } = [];

    public string? ToolResult { get; private set; }

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        OfferedTools = [.. (options?.Tools ?? []).Select(t => t.Name)];
        if (history.SelectMany(m => m.Contents).OfType<FunctionResultContent>().LastOrDefault() is { } result)
        {
            ToolResult = result.Result?.ToString();
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"From your documents:\n{ToolResult}")));
        }

        if (!OfferedTools.Contains(toolName))
        {
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"No tool {toolName} among [{string.Join(", ", OfferedTools)}].")));
        }

        var question = history.Last(m => m.Role == ChatRole.User).Text;
        var call = new FunctionCallContent("call-1", toolName, new Dictionary<string, object?> { [argumentName] = question });
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [call])));
    }
}
