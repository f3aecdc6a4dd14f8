using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using RagStack.Models.Gguf;
using static RagStack.Api.Tests.ApiClient;

namespace RagStack.Api.Tests.Ask;

/// <summary>The service with a generator: a tiny Llama with random weights written by our GGUF writer, run by llama.cpp.</summary>
public sealed class GeneratingApiFixture : ApiFixture
{
    public GeneratingApiFixture()
    {
        Directory.CreateDirectory(DataDirectory);
        ModelPath = Path.Combine(DataDirectory, "synthetic.gguf");
        SyntheticLlama.Write(ModelPath, new SyntheticLlamaSpec { Layers = 2, EmbeddingLength = 64, FeedForwardLength = 128, ContextLength = 1024 });
    }

    public string ModelPath { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RagStack:Generator:ModelPath", ModelPath);
    }
}

public sealed class GeneratedAnswerTests(GeneratingApiFixture api) : IClassFixture<GeneratingApiFixture>
{
    private const string Question = "How often should tomato plants be watered?";

    [Fact]
    public async Task A_generated_answer_streams_the_model_tokens_then_sources_then_done()
    {
        var events = await AskStreamingAsync(api.CreateClient(), new { question = Question, maxTokens = 12, temperature = 0 });

        var names = events.Select(e => e.Name).ToList();
        var tokens = names.TakeWhile(n => n == "token").Count();
        Assert.True(tokens > 1, $"events: {string.Join(", ", names)}");
        Assert.Equal(["sources", "done"], names.Skip(tokens));
        var done = JsonDocument.Parse(events[^1].Data).RootElement;
        Assert.Equal("generated", done.GetProperty("kind").GetString());
        Assert.True(done.GetProperty("usage").GetProperty("outputTokens").GetInt32() > 0);
        Assert.True(done.GetProperty("timings").GetProperty("timeToFirstTokenMs").GetDouble() > 0);
    }

    [Fact]
    public async Task A_question_longer_than_the_model_window_is_a_bad_request()
    {
        // Byte-level vocabulary: about one model token per character, while the embedding model reads it in a few hundred.
        var question = "Why " + string.Join(' ', Enumerable.Repeat("tomato watering schedule", 60)) + "?";

        var (response, body) = await PostAsync(api.CreateClient(), "/api/ask", new { question, maxTokens = 12 });

        AssertProblem(response, body, 400, "window");
        Assert.Equal("The question does not fit the model", body.GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_json_answer_reports_the_generator_usage()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/ask", new { question = Question, maxTokens = 8, temperature = 0 });

        response.EnsureSuccessStatusCode();
        Assert.Equal("generated", body.GetProperty("kind").GetString());
        Assert.True(body.GetProperty("usage").GetProperty("promptTokens").GetInt32() > 0);
        Assert.True(Encoding.UTF8.GetByteCount(body.GetProperty("text").GetString()!) > 0);
    }
}
