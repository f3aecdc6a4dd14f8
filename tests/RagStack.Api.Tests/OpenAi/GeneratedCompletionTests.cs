using System.Net.Http.Json;
using System.Text.Json;
using RagStack.Api.Tests.Ask;

namespace RagStack.Api.Tests.OpenAi;

/// <summary>Chat completions written by a generator (a synthetic Llama run by llama.cpp in process): the request's limits reach it.</summary>
public sealed class GeneratedCompletionTests(GeneratingApiFixture api) : IClassFixture<GeneratingApiFixture>
{
    private static object Body(string limit, int tokens) => new Dictionary<string, object>
    {
        ["model"] = "default",
        ["temperature"] = 0,
        [limit] = tokens,
        ["messages"] = new[] { new { role = "user", content = "How often should tomato plants be watered?" } },
    };

    [Theory]
    [InlineData("max_tokens", 3)]
    [InlineData("max_completion_tokens", 5)]
    public async Task The_token_limit_bounds_the_generated_answer_and_usage_reports_it(string limit, int tokens)
    {
        using var response = await api.CreateClient().PostAsJsonAsync("/v1/chat/completions", Body(limit, tokens));

        response.EnsureSuccessStatusCode();
        var usage = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage");
        Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 1, tokens);
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 0);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task A_question_longer_than_the_model_window_is_a_400_context_length_exceeded()
    {
        var question = "Why " + string.Join(' ', Enumerable.Repeat("tomato watering schedule", 60)) + "?";

        using var response = await api.CreateClient().PostAsJsonAsync("/v1/chat/completions", new { model = "default", max_tokens = 12, messages = new[] { new { role = "user", content = question } } });

        Assert.Equal(400, (int)response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("window", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
