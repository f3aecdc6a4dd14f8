using System.ClientModel;
using System.ClientModel.Primitives;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Models;
using RagStack.Embeddings;
using static RagStack.Api.Tests.OpenAi.KestrelApiFixture;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;

namespace RagStack.Api.Tests.OpenAi;

/// <summary>The service's OpenAI-compatible API as the official OpenAI .NET SDK sees it, over real Kestrel.</summary>
[Collection(KestrelApiCollection.Name)]
public sealed class OpenAiSdkTests(KestrelApiFixture api)
{
    private const string EmbeddingModel = "snowflake-arctic-embed-xs";

    private OpenAIClientOptions Options => new() { Endpoint = api.V1 };

    private ChatClient Chat(string model) => new(model, new ApiKeyCredential("x"), Options);

    private static string TextOf(ChatCompletion completion) => string.Concat(completion.Content.Select(part => part.Text));

    [Fact]
    public async Task A_completion_for_a_domain_is_grounded_in_its_index_and_cites_it()
    {
        ClientResult<ChatCompletion> result = await Chat("legal").CompleteChatAsync([new UserChatMessage("How much notice ends the lease?")]);

        Assert.Contains("three months' written notice", TextOf(result.Value), StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, result.Value.FinishReason);
        Assert.Equal("legal", result.Value.Model);
        using var raw = JsonDocument.Parse(result.GetRawResponse().Content);
        Assert.Equal(ApiFixture.ContractDocument, SourceDocuments(raw.RootElement)[0]);
        var source = raw.RootElement.GetProperty("sources")[0];
        Assert.Equal(1, source.GetProperty("number").GetInt32());
        Assert.Contains("Termination", source.GetProperty("section").GetString(), StringComparison.Ordinal);
        Assert.Contains("three months", source.GetProperty("snippet").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_completion_for_an_index_carries_the_sources_on_its_finishing_chunk()
    {
        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in Chat("default").CompleteChatStreamingAsync([new UserChatMessage("How often should tomato plants be watered?")]))
        {
            updates.Add(update);
        }

        Assert.Contains("deep watering twice a week", string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text)), StringComparison.Ordinal);
        var finishing = updates.Single(u => u.FinishReason is not null);
        Assert.Equal(ChatFinishReason.Stop, finishing.FinishReason);
        // The SDK keeps fields it does not know and writes them back out.
        using var json = JsonDocument.Parse(ModelReaderWriter.Write(finishing));
        Assert.Equal([ApiFixture.GardeningDocument], SourceDocuments(json.RootElement).Distinct());
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_naming_the_models()
    {
        var e = await Assert.ThrowsAsync<ClientResultException>(() => Chat("medical").CompleteChatAsync([new UserChatMessage("Any?")]));

        Assert.Equal(404, e.Status);
        Assert.Contains("legal", e.Message, StringComparison.Ordinal);
        Assert.Contains("contracts", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_lists_the_domains_the_indexes_and_the_embedding_model()
    {
        OpenAIModelCollection models = await new OpenAIModelClient(new ApiKeyCredential("x"), Options).GetModelsAsync();

        Assert.Equal(["garden", "legal", "contracts", "default", EmbeddingModel], models.Select(m => m.Id));
        Assert.All(models, m => Assert.Equal("ragstack", m.OwnedBy));
    }

    [Fact]
    public async Task Embeddings_equal_the_service_embedding_model_and_count_its_tokens()
    {
        string[] texts = ["Tomato plants need deep watering.", "Rent is paid monthly in advance."];
        var expected = await api.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(texts);
        var tokens = api.Services.GetRequiredService<ITokenCounter>();

        ClientResult<OpenAIEmbeddingCollection> result = await new EmbeddingClient(EmbeddingModel, new ApiKeyCredential("x"), Options).GenerateEmbeddingsAsync(texts);

        Assert.Equal(2, result.Value.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            var vector = result.Value[i].ToFloats().Span;
            Assert.Equal(384, vector.Length);
            Assert.True(TensorPrimitives.CosineSimilarity(vector, expected[i].Vector.Span) > 0.9999f);
        }

        Assert.Equal(texts.Sum(tokens.CountTokens), result.Value.Usage.InputTokenCount);
        Assert.Equal(EmbeddingModel, result.Value.Model);
    }

    [Fact]
    public async Task Embeddings_of_another_model_are_a_404_naming_the_served_one()
    {
        var e = await Assert.ThrowsAsync<ClientResultException>(() => new EmbeddingClient("text-embedding-3-small", new ApiKeyCredential("x"), Options).GenerateEmbeddingAsync("hello"));

        Assert.Equal(404, e.Status);
        Assert.Contains(EmbeddingModel, e.Message, StringComparison.Ordinal);
    }
}
