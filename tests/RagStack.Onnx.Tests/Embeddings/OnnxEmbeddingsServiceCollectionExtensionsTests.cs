using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Embeddings;
using RagStack.Testing;
using Xunit;

namespace RagStack.Onnx.Tests.Embeddings;

public sealed class OnnxEmbeddingsServiceCollectionExtensionsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ragstack-onnx-builder-");

    public void Dispose() => _folder.Delete(recursive: true);

    private ServiceProvider Build(Action<OnnxEmbeddingOptions>? configure = null, params (string Key, string Value)[] settings)
    {
        var configuration = TestConfiguration.For(_folder.FullName, [.. settings.Select(s => (s.Key, (string?)s.Value))]);
        var services = new ServiceCollection();
        services.AddRagStack(configuration).AddOnnxEmbeddings(configure);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_generator_and_the_token_counter_resolve_to_one_singleton_of_the_configured_model_which_a_new_folder_records()
    {
        using var provider = Build(settings: ("RagStack:Embeddings:Model", "MiniLM"));

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var tokens = provider.GetRequiredService<ITokenCounter>();

        Assert.Same(generator, tokens);
        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(254, tokens.MaxTokens);
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
        Assert.Equal(EmbeddingModelKind.MiniLM, DataFolder.Open(_folder.FullName).EmbeddingModel);
    }

    [Fact]
    public void A_folder_keeps_the_model_it_recorded_when_none_is_configured()
    {
        DataFolder.Open(_folder.FullName, EmbeddingModelKind.MiniLM);
        using var provider = Build();

        Assert.Equal(EmbeddingModelKind.MiniLM, provider.GetRequiredService<IOptions<OnnxEmbeddingOptions>>().Value.Model);
    }

    [Fact]
    public void A_configured_model_other_than_the_folders_fails_naming_both()
    {
        DataFolder.Open(_folder.FullName, EmbeddingModelKind.MiniLM);
        using var provider = Build(settings: ("RagStack:Embeddings:Model", "ArcticXs"));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<OnnxEmbeddingOptions>>().Value);

        Assert.Contains("holds vectors of MiniLM-int8; it cannot be searched or extended with ArcticXs-int8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_embedded_before_int8_keeps_fp32_when_no_precision_is_configured()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "ragstack.json"), """{"EmbeddingModel":"MiniLM"}""");
        using var provider = Build();

        var options = provider.GetRequiredService<IOptions<OnnxEmbeddingOptions>>().Value;

        Assert.Equal((EmbeddingModelKind.MiniLM, EmbeddingPrecision.Fp32), (options.Model, options.Precision));
    }

    [Fact]
    public void A_configured_precision_other_than_the_folders_fails_naming_both()
    {
        DataFolder.Open(_folder.FullName, EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Int8);
        using var provider = Build(settings: ("RagStack:Embeddings:Precision", "Fp32"));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<OnnxEmbeddingOptions>>().Value);

        Assert.Contains("holds vectors of ArcticXs-int8; it cannot be searched or extended with ArcticXs-fp32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_settings_fail_naming_the_setting()
    {
        using var provider = Build(o => o.IntraOpThreads = 0);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OnnxEmbeddingOptions>>().Value);

        Assert.StartsWith("RagStack:Embeddings:IntraOpThreads is 0", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_setting_fails_naming_it_and_the_settings_there()
    {
        using var provider = Build(settings: ("RagStack:Embeddings:BatchSise", "4"));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OnnxEmbeddingOptions>>().Value);

        Assert.StartsWith("RagStack:Embeddings:BatchSise is not a setting; RagStack:Embeddings has BatchSize, ", Assert.Single(error.Failures), StringComparison.Ordinal);
    }
}
