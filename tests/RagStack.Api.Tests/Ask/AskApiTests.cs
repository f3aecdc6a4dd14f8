using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static RagStack.Api.Tests.ApiClient;

namespace RagStack.Api.Tests.Ask;

[Collection(ApiCollection.Name)]
public sealed class AskApiTests(ApiFixture api)
{
    private const string Question = "How often should tomato plants be watered?";

    [Fact]
    public async Task Without_a_model_the_answer_is_extractive_and_cites_the_document()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/ask", new { question = Question });

        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("extractive", body.GetProperty("kind").GetString());
        Assert.Equal("default", body.GetProperty("index").GetString());
        Assert.Contains("[1]", body.GetProperty("text").GetString(), StringComparison.Ordinal);
        var first = body.GetProperty("sources")[0];
        Assert.Equal(1, first.GetProperty("number").GetInt32());
        Assert.Equal(ApiFixture.GardeningDocument, first.GetProperty("citation").GetProperty("document").GetString());
        Assert.Contains("deep watering", first.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.True(body.GetProperty("timings").GetProperty("totalMs").GetDouble() > 0);
    }

    [Fact]
    public async Task A_domain_routes_the_question_to_its_index()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/ask", new { question = "How much notice ends the office lease?", domain = "legal" });

        response.EnsureSuccessStatusCode();
        Assert.Equal("legal", body.GetProperty("domain").GetString());
        Assert.Equal(ApiFixture.LegalIndex, body.GetProperty("index").GetString());
        Assert.All(body.GetProperty("sources").EnumerateArray(), s => Assert.Equal(ApiFixture.ContractDocument, s.GetProperty("citation").GetProperty("document").GetString()));
        Assert.NotEqual(0, body.GetProperty("sources").GetArrayLength());
    }

    [Fact]
    public async Task The_event_stream_sends_tokens_then_sources_then_done_and_the_tokens_are_the_json_answer()
    {
        var client = api.CreateClient();
        var (_, json) = await PostAsync(client, "/api/ask", new { question = Question });

        var events = await AskStreamingAsync(client, new { question = Question });

        var names = events.Select(e => e.Name).ToList();
        var tokens = names.TakeWhile(n => n == "token").Count();
        Assert.True(tokens > 0, $"events: {string.Join(", ", names)}");
        Assert.Equal(["sources", "done"], names.Skip(tokens));

        var text = new StringBuilder();
        foreach (var token in events.Take(tokens))
        {
            text.Append(JsonDocument.Parse(token.Data).RootElement.GetProperty("text").GetString());
        }

        Assert.Equal(json.GetProperty("text").GetString(), text.ToString());
        var sources = JsonDocument.Parse(events[tokens].Data).RootElement.GetProperty("sources");
        Assert.Equal(ApiFixture.GardeningDocument, sources[0].GetProperty("citation").GetProperty("document").GetString());
        var done = JsonDocument.Parse(events[tokens + 1].Data).RootElement;
        Assert.Equal("extractive", done.GetProperty("kind").GetString());
        Assert.Equal("default", done.GetProperty("index").GetString());
    }

    [Fact]
    public async Task A_streamed_question_in_an_unknown_domain_is_a_problem_not_a_stream()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ask") { Content = JsonContent.Create(new { question = Question, domain = "medical" }) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await api.CreateClient().SendAsync(request);

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        AssertProblem(response, body, 404, "No domain named 'medical' is configured (configured: garden, legal)");
    }

    [Fact]
    public async Task An_unknown_domain_is_not_found_and_names_the_configured_domains()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/ask", new { question = Question, domain = "medical" });

        AssertProblem(response, body, 404, "configured: garden, legal");
        Assert.Equal("Unknown domain", body.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_empty_question_is_a_bad_request()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/ask", new { question = "" });

        AssertProblem(response, body, 400, "The question is empty");
    }

    [Theory]
    [InlineData(0, null, null, "top must be between 1 and 1000")]
    [InlineData(null, 0, null, "maxTokens must be at least 1")]
    [InlineData(null, null, 3f, "temperature must be between 0 and 2")]
    public async Task Settings_out_of_range_are_bad_requests(int? top, int? maxTokens, float? temperature, string detail)
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/ask", new { question = Question, top, maxTokens, temperature });

        AssertProblem(response, body, 400, detail);
    }
}
