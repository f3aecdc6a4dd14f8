using System.ClientModel;
using System.Net;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Embeddings;
using RagStack.Onnx;

namespace RagStack.ModelHost.Tests.Embeddings;

/// <summary>The host's <c>/v1/embeddings</c> as the official OpenAI SDK sees it, against the ONNX model run in process.</summary>
[Collection(ModelHostCollection.Name)]
public sealed class EmbeddingsApiTests(ModelHostFixture host)
{
    private const string Model = "snowflake-arctic-embed-xs";

    private EmbeddingClient Client(string model) =>
        new(model, new ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = new Uri(host.BaseAddress, "/v1") });

    [Fact]
    public async Task The_host_embeds_texts_as_the_onnx_model_does_and_counts_their_tokens()
    {
        string[] texts = ["Tom had a red ball.", "The cat sat on the mat, and then it slept all day."];
        using var local = OnnxEmbeddings.Load();
        var expected = await local.Generator.GenerateAsync(texts);

        ClientResult<OpenAIEmbeddingCollection> result = await Client(Model).GenerateEmbeddingsAsync(texts);

        Assert.Equal(texts.Length, result.Value.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(i, result.Value[i].Index);
            Assert.True(TensorPrimitives.CosineSimilarity(result.Value[i].ToFloats().Span, expected[i].Vector.Span) > 0.9999f);
        }

        Assert.Equal(texts.Sum(local.Tokens.CountTokens), result.Value.Usage.InputTokenCount);
        Assert.Equal(result.Value.Usage.InputTokenCount, result.Value.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task The_full_model_id_is_accepted_too()
    {
        OpenAIEmbedding embedding = await Client("Snowflake/snowflake-arctic-embed-xs").GenerateEmbeddingAsync("Tom had a red ball.");

        Assert.Equal(384, embedding.ToFloats().Length);
    }

    [Fact]
    public async Task A_chat_model_id_is_not_an_embedding_model()
    {
        var e = await Assert.ThrowsAsync<ClientResultException>(() => Client(ModelHostFixture.BaseId).GenerateEmbeddingAsync("Tom had a red ball."));

        Assert.Equal(404, e.Status);
        Assert.Contains(Model, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_dimensions_are_a_400_naming_them()
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.PostAsync("/v1/embeddings", new StringContent($$"""{"model": "{{Model}}", "input": "hi", "dimensions": 256}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("dimensions", body.RootElement.GetProperty("error").GetProperty("param").GetString());
    }
}
