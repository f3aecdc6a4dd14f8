using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RagStack.Embeddings;
using RagStack.Onnx.Tests.Support;
using Xunit;

namespace RagStack.Onnx.Tests.Embeddings;

[Collection(ModelCollection.Name)]
public sealed class EnsembleEmbeddingGeneratorTests(LoadedModels models)
{
    private const string Passage = "LoRA trains two low-rank matrices for each adapted projection while the base weights stay frozen.";
    private const string Other = "A VAE compresses images into latents that a U-Net denoises step by step.";

    [Fact]
    public async Task The_ensemble_cosine_is_the_mean_of_the_members_cosines()
    {
        using var ensemble = OnnxEmbeddings.Load(new OnnxEmbeddingOptions { Model = EmbeddingModelKind.ArcticXsMiniLM });

        var both = await ensemble.Generator.GenerateAsync([Passage, Other]);
        var arctic = await models.For(EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Int8).GenerateAsync([Passage, Other]);
        var miniLm = await models.For(EmbeddingModelKind.MiniLM, EmbeddingPrecision.Int8).GenerateAsync([Passage, Other]);

        Assert.Equal(768, both[0].Vector.Length);
        Assert.Equal(1.0, TensorPrimitives.Norm(both[0].Vector.Span), 4);
        var expected = (Cosine(arctic[0], arctic[1]) + Cosine(miniLm[0], miniLm[1])) / 2;
        Assert.Equal(expected, Cosine(both[0], both[1]), 4);
    }

    [Fact]
    public async Task Queries_reach_each_member_as_queries()
    {
        using var ensemble = OnnxEmbeddings.Load(new OnnxEmbeddingOptions { Model = EmbeddingModelKind.ArcticXsMiniLM });

        var query = await ensemble.Generator.GenerateAsync(["what does LoRA train"], EmbeddingPurpose.ForQueries());
        var arcticQuery = await models.For(EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Int8).GenerateAsync(["what does LoRA train"], EmbeddingPurpose.ForQueries());

        // The first half is Arctic's query vector (with its instruction prefix), scaled by 1/sqrt(2).
        var firstHalf = query[0].Vector.Span[..384].ToArray();
        TensorPrimitives.Multiply(firstHalf, MathF.Sqrt(2), firstHalf);
        Assert.True(TensorPrimitives.CosineSimilarity(firstHalf, arcticQuery[0].Vector.Span) > 0.9999);
    }

    [Fact]
    public void The_window_is_the_smaller_members_so_every_member_reads_every_chunk_whole()
    {
        using var ensemble = OnnxEmbeddings.Load(new OnnxEmbeddingOptions { Model = EmbeddingModelKind.ArcticXsMiniLM });

        Assert.Equal(models.MiniLM.MaxTokens, ensemble.Tokens.MaxTokens);
        Assert.Equal(models.Arctic.CountTokens(Passage), ensemble.Tokens.CountTokens(Passage));
        Assert.Equal("Snowflake/snowflake-arctic-embed-xs+sentence-transformers/all-MiniLM-L6-v2", ensemble.Generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
    }

    private static double Cosine(Embedding<float> a, Embedding<float> b) => TensorPrimitives.CosineSimilarity(a.Vector.Span, b.Vector.Span);
}
