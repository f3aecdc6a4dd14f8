using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RagStack.SemanticKernel.Tests;

/// <summary>
/// A scripted OpenAI-compatible chat server on Kestrel at a loopback port, since no model here makes tool calls: asked a
/// question with tools, it calls the tool named <paramref name="toolName"/> with the question; given that tool's result,
/// it answers with the result quoted. It records the tools it was offered and the result it was given.
/// </summary>
internal sealed class FakeOpenAiChatServer(string toolName) : IAsyncDisposable
{
    private WebApplication? _app;

    public IReadOnlyList<string> OfferedTools { get; private set; } = [];

    public string? ToolResult { get; private set; }

    /// <summary>The OpenAI base URL, ending in <c>/v1</c>.</summary>
    public Uri V1 { get; private set; } = null!;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.MapPost("/v1/chat/completions", async (HttpRequest request) => Results.Json(Complete(await JsonNode.ParseAsync(request.Body))));
        await _app.StartAsync();
        V1 = new Uri(new Uri(_app.Urls.First()), "/v1");
    }

    private JsonObject Complete(JsonNode? body)
    {
        var messages = body?["messages"]?.AsArray() ?? [];
        OfferedTools = [.. (body?["tools"]?.AsArray() ?? []).Select(t => t?["function"]?["name"]?.GetValue<string>() ?? "")];
        if (messages.LastOrDefault(m => m?["role"]?.GetValue<string>() == "tool") is { } tool)
        {
            ToolResult = tool["content"]?.GetValue<string>();
            return Completion(new JsonObject { ["role"] = "assistant", ["content"] = $"From your documents:\n{ToolResult}" }, "stop");
        }

        var question = messages.Last(m => m?["role"]?.GetValue<string>() == "user")?["content"]?.GetValue<string>() ?? "";
        var call = new JsonObject
        {
            ["id"] = "call_1",
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = toolName, ["arguments"] = JsonSerializer.Serialize(new { question }) },
        };
        return Completion(new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray(call) }, "tool_calls");
    }

    private static JsonObject Completion(JsonObject message, string finishReason) => new()
    {
        ["id"] = "chatcmpl-fake",
        ["object"] = "chat.completion",
        ["created"] = 0,
        ["model"] = "fake",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finishReason }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1, ["total_tokens"] = 2 },
    };

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
