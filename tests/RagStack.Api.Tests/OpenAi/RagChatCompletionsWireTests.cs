using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Ingestion;
using static RagStack.Api.Tests.OpenAi.KestrelApiFixture;

namespace RagStack.Api.Tests.OpenAi;

/// <summary>The chat completions endpoint's JSON and server-sent events on the wire, for what the SDKs hide.</summary>
[Collection(ApiCollection.Name)]
public sealed class RagChatCompletionsWireTests(ApiFixture api)
{
    private const string Watering = "How often should tomato plants be watered?";

    private static object Body(string model, string question, bool stream = false) =>
        new { model, stream, stream_options = new { include_usage = true }, messages = new[] { new { role = "user", content = question } } };

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(object body, string? index = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(body) };
        if (index is not null)
        {
            request.Headers.Add("X-RagStack-Index", index);
        }

        using var response = await api.CreateClient().SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task A_streamed_completion_sends_role_text_a_finishing_chunk_with_sources_usage_then_done()
    {
        using var response = await api.CreateClient().PostAsJsonAsync("/v1/chat/completions", Body("default", Watering, stream: true));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var data = new List<string>();
        await foreach (var e in ServerSentEvents.ReadAsync(await response.Content.ReadAsStreamAsync()))
        {
            data.Add(e.Data);
        }

        Assert.Equal("[DONE]", data[^1]);
        var chunks = data.SkipLast(1).Select(d => JsonDocument.Parse(d).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var finishing = chunks[^2];
        Assert.Equal("stop", finishing.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(ApiFixture.GardeningDocument, SourceDocuments(finishing)[0]);
        Assert.All(chunks.SkipLast(2), c => Assert.False(c.TryGetProperty("sources", out _)));
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.True(usage.TryGetProperty("usage", out _));
        var text = string.Concat(chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Contains("deep watering twice a week", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_index_header_overrides_the_model()
    {
        var (status, body) = await PostAsync(Body("any-client-model", "How much notice ends the lease?"), index: ApiFixture.LegalIndex);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("any-client-model", body.GetProperty("model").GetString());
        Assert.Equal(ApiFixture.ContractDocument, SourceDocuments(body)[0]);
    }

    [Fact]
    public async Task An_index_header_naming_no_index_is_a_404()
    {
        var (status, body) = await PostAsync(Body("default", Watering), index: "nowhere");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("index_not_found", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_conversation_that_does_not_end_with_the_user_is_a_400_naming_the_last_message()
    {
        var body = new { model = "default", messages = new[] { new { role = "user", content = Watering }, new { role = "assistant", content = "Twice a week." } } };

        var (status, error) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("messages[1]", error.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task System_messages_and_history_are_accepted_and_the_last_question_is_answered()
    {
        var body = new
        {
            model = "legal",
            messages = new[]
            {
                new { role = "system", content = "You are terse." },
                new { role = "user", content = "Hello" },
                new { role = "assistant", content = "Hello, ask about the lease." },
                new { role = "user", content = "How much notice ends the lease?" },
            },
        };

        var (status, completion) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("three months", completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_tenant_index_is_neither_listed_nor_answered_from()
    {
        var ingestor = api.Services.GetRequiredService<IDocumentIngestor>();
        var result = await ingestor.IngestAsync(new IngestRequest
        {
            Name = "acme-plan.md",
            Index = "acme-secrets",
            Tenant = "acme",
            OpenContent = () => new MemoryStream(Encoding.UTF8.GetBytes("# Plan\n\nAcme waters its tomatoes every day.")),
        });
        Assert.NotEqual(IngestOutcome.Failed, result.Outcome);

        var models = await api.CreateClient().GetFromJsonAsync<JsonElement>("/v1/models");
        var (status, error) = await PostAsync(Body("acme-secrets", Watering));

        var ids = models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains(ApiFixture.LegalIndex, ids);
        Assert.DoesNotContain("acme-secrets", ids);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model_not_found", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Embeddings_as_base64_decode_to_the_float_vector()
    {
        var client = api.CreateClient();
        var floats = await client.PostAsJsonAsync("/v1/embeddings", new { model = "snowflake-arctic-embed-xs", input = "Rent is paid monthly." });
        var base64 = await client.PostAsJsonAsync("/v1/embeddings", new { model = "snowflake-arctic-embed-xs", input = new[] { "Rent is paid monthly." }, encoding_format = "base64" });

        var vector = (await floats.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var bytes = (await base64.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data")[0].GetProperty("embedding").GetBytesFromBase64();
        Assert.Equal(384, vector.Length);
        Assert.Equal(vector, Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, i * 4)));
    }

    [Theory]
    [InlineData("""{"model": "snowflake-arctic-embed-xs", "input": []}""", "input")]
    [InlineData("""{"model": "snowflake-arctic-embed-xs", "input": [""]}""", "input")]
    [InlineData("""{"model": "snowflake-arctic-embed-xs", "input": [[1, 2]]}""", "input")]
    [InlineData("""{"model": "snowflake-arctic-embed-xs", "input": "x", "encoding_format": "int8"}""", "encoding_format")]
    public async Task Bad_embedding_requests_are_400_naming_the_field(string json, string param)
    {
        using var response = await api.CreateClient().PostAsync("/v1/embeddings", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        // An unreadable field is named by its JSON path ($.input[0]).
        Assert.Contains(param, error.GetProperty("param").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_longer_than_the_embedding_window_is_a_400()
    {
        var input = string.Join(' ', Enumerable.Repeat("tomato", 600));

        using var response = await api.CreateClient().PostAsJsonAsync("/v1/embeddings", new { model = "snowflake-arctic-embed-xs", input });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }
}
