using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using RagStack.Models.Gguf;

namespace RagStack.ModelHost.Tests.ChatCompletions;

/// <summary>The endpoint's JSON and server-sent events on the wire, for what the SDKs hide or never send.</summary>
[Collection(ModelHostCollection.Name)]
public sealed class ChatCompletionsWireFormatTests(ModelHostFixture host) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = host.BaseAddress };

    public void Dispose() => _http.Dispose();

    private Task<HttpResponseMessage> PostAsync(string json, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead) =>
        _http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        }, completion);

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("error").Clone();
    }

    [Fact]
    public async Task Malformed_json_is_a_400_in_openai_error_shape()
    {
        using var response = await PostAsync("{\"model\": \"synthetic\", \"messages\": [");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_json", error.GetProperty("code").GetString());
        Assert.StartsWith("The request body is not a valid chat completion request", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(error.TryGetProperty("param", out _));
    }

    [Fact]
    public async Task A_request_without_messages_is_a_400_naming_messages()
    {
        using var response = await PostAsync("""{"model": "synthetic", "messages": []}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("code").ValueKind);
    }

    [Fact]
    public async Task An_unknown_role_is_a_400_naming_the_message()
    {
        using var response = await PostAsync("""{"model": "synthetic", "messages": [{"role": "tool", "content": "42"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("messages[0].role", (await ErrorOf(response)).GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("\"temperature\": 3", "temperature")]
    [InlineData("\"top_p\": 0", "top_p")]
    [InlineData("\"max_tokens\": 0", "max_tokens")]
    [InlineData("\"max_completion_tokens\": -1", "max_completion_tokens")]
    public async Task A_setting_out_of_range_is_a_400_naming_it(string setting, string param)
    {
        using var response = await PostAsync($$"""{"model": "synthetic", "messages": [{"role": "user", "content": "Hi"}], {{setting}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await ErrorOf(response)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task Content_as_text_parts_and_stop_as_one_string_are_read()
    {
        var free = (await host.DirectReplyAsync("Ben saw a bird.", new ChatOptions { Temperature = 0, MaxOutputTokens = 40 })).Text;
        var stop = free.Substring(6, 2);
        var expected = await host.DirectReplyAsync("Ben saw a bird.", new ChatOptions { Temperature = 0, MaxOutputTokens = 40, StopSequences = [stop] });
        var request = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = "synthetic",
            ["messages"] = new[] { new { role = "user", content = new object[] { new { type = "text", text = "Ben saw " }, new { type = "text", text = "a bird." } } } },
            ["temperature"] = 0,
            ["max_tokens"] = 40,
            ["stop"] = stop,
        });

        using var response = await PostAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = body.RootElement.GetProperty("choices")[0];
        Assert.Equal(expected.Text, choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("chat.completion", body.RootElement.GetProperty("object").GetString());
    }

    [Fact]
    public async Task A_stream_is_server_sent_chunks_ending_in_done_without_usage_unless_asked()
    {
        using var response = await PostAsync("""{"model": "synthetic", "messages": [{"role": "user", "content": "The sun was hot."}], "temperature": 0, "max_tokens": 8, "stream": true}""");

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("length", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.DoesNotContain(chunks, c => c.TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task A_prompt_too_long_for_a_stream_is_refused_before_the_stream_starts()
    {
        var longPrompt = string.Join(" ", Enumerable.Repeat("The cat sat on the mat.", 200));
        var request = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = "synthetic",
            ["messages"] = new[] { new { role = "user", content = longPrompt } },
            ["stream"] = true,
        });

        using var response = await PostAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task End_of_text_spelt_in_a_message_reaches_the_model_as_text()
    {
        // Each "</s>" would be one control token (the model's end of text) if it were parsed as one.
        var perMarker = host.Direct.CountTokens("x</s>") - host.Direct.CountTokens("x");

        var plain = await PromptTokensAsync("The cat sat.");
        var marked = await PromptTokensAsync("The cat sat." + string.Concat(Enumerable.Repeat("</s>", 50)));

        Assert.True(perMarker > 1, $"</s> is {perMarker} token(s) as text");
        Assert.Equal(50 * perMarker, marked - plain);
    }

    private async Task<int> PromptTokensAsync(string content)
    {
        var request = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = "synthetic",
            ["messages"] = new[] { new { role = "user", content } },
            ["max_tokens"] = 1,
        });
        using var response = await PostAsync(request);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
    }

    [Fact]
    public async Task A_client_that_disconnects_cancels_its_generation()
    {
        // A model big enough that 2,000 tokens take many seconds, served one request at a time: a generation that went on
        // after its client left would hold up the next request for all that time.
        using var folder = new TemporaryFolder("ragstack-modelhost-");
        var modelPath = folder.Path("slow.gguf");
        SyntheticLlama.Write(modelPath, new SyntheticLlamaSpec { Layers = 6, EmbeddingLength = 384, Heads = 6, KvHeads = 6, FeedForwardLength = 1536, ContextLength = 2048, WeightType = GgufTensorType.F16 });
        await using var app = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["RagStack:Generator:ModelPath"] = modelPath,
            ["RagStack:Generator:ContextLength"] = "2048",
            ["RagStack:Generator:Threads"] = "2",
            ["RagStack:Generator:MaxParallelRequests"] = "1",
        });
        // No draining of the abandoned response: the connection closes as soon as the client lets go of it.
        using var http = new HttpClient(new SocketsHttpHandler { ResponseDrainTimeout = TimeSpan.Zero }) { BaseAddress = TestHost.AddressOf(app) };

        using (var response = await http.SendAsync(Request(http, """{"model": "slow", "messages": [{"role": "user", "content": "Once upon a time"}], "temperature": 0, "max_tokens": 2000, "stream": true}"""), HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        }

        const string Short = """{"model": "slow", "messages": [{"role": "user", "content": "The cat"}], "temperature": 0, "max_tokens": 20}""";
        var afterDisconnect = await TimeAsync(http, Short);
        var alone = await TimeAsync(http, Short);
        // Left running, the abandoned 2,000 tokens would hold the next request up about a hundred times longer than 20 tokens take.
        Assert.True(afterDisconnect < alone * 10 + TimeSpan.FromSeconds(10), $"the request after the disconnect took {afterDisconnect}, the same request alone {alone}");
    }

    private static HttpRequestMessage Request(HttpClient http, string json) =>
        new(HttpMethod.Post, new Uri(http.BaseAddress!, "/v1/chat/completions")) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static async Task<TimeSpan> TimeAsync(HttpClient http, string json)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(Request(http, json));
        response.EnsureSuccessStatusCode();
        return clock.Elapsed;
    }
}
