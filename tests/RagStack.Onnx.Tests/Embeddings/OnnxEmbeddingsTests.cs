using Microsoft.Extensions.AI;
using Xunit;

namespace RagStack.Onnx.Tests.Embeddings;

public sealed class OnnxEmbeddingsTests
{
    [Fact]
    public void Load_gives_arctic_by_default_with_its_generator_and_token_counter_as_one_instance()
    {
        using var model = OnnxEmbeddings.Load();

        Assert.Same(model.Generator, model.Tokens);
        Assert.Equal("Snowflake/snowflake-arctic-embed-xs", model.Generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
        Assert.Equal(510, model.Tokens.MaxTokens);
    }

    [Fact]
    public void Load_refuses_invalid_settings_naming_them()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => OnnxEmbeddings.Load(new OnnxEmbeddingOptions { BatchSize = 0 }));

        Assert.Equal("RagStack:Embeddings:BatchSize is 0; it must be between 1 and 256.", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task A_disposed_model_refuses_to_embed()
    {
        var model = OnnxEmbeddings.Load(new OnnxEmbeddingOptions { Model = EmbeddingModelKind.MiniLM });
        model.Dispose();
        model.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => model.Generator.GenerateAsync(["text"]));
    }
}
