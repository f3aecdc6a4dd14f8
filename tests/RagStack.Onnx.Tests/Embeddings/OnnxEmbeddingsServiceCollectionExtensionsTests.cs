using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Embeddings;
using Xunit;

namespace RagStack.Onnx.Tests.Embeddings;

public sealed class OnnxEmbeddingsServiceCollectionExtensionsTests
{
    [Fact]
    public void The_generator_and_the_token_counter_resolve_to_one_singleton_of_the_chosen_model()
    {
        using var provider = new ServiceCollection()
            .AddRagStackOnnxEmbeddings(o => o.Model = EmbeddingModelKind.MiniLM)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var tokens = provider.GetRequiredService<ITokenCounter>();

        Assert.Same(generator, tokens);
        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(254, tokens.MaxTokens);
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
    }

    [Fact]
    public void Invalid_settings_fail_at_registration() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddRagStackOnnxEmbeddings(o => o.IntraOpThreads = 0));
}
