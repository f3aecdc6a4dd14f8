using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Chunks;
using RagStack.Onnx.Tests.Support;
using RagStack.Retrieval;
using Xunit;

namespace RagStack.Onnx.Tests.Reranking;

public sealed class OnnxCrossEncoderTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ragstack-cross-encoder-");

    public void Dispose() => _folder.Delete(recursive: true);

    // FakeCrossEncoder's logit is the sum of the passage segment's ids: plum 6, pear 5, fig 7, [SEP] 3.
    [Fact]
    public void Each_pair_is_read_as_cls_query_sep_passage_sep_and_scored_by_the_logit()
    {
        FakeCrossEncoder.Write(_folder.FullName);
        using var model = OnnxCrossEncoder.Load(_folder.FullName, new OnnxCrossEncoderOptions());

        var scores = model.Score("apple apple", ["plum plum", "pear", "fig"], CancellationToken.None);

        Assert.Equal([6 + 6 + 3, 5 + 3, 7 + 3], scores);
    }

    [Fact]
    public void With_two_labels_the_score_is_the_second_labels_margin_over_the_first()
    {
        FakeCrossEncoder.Write(_folder.FullName, twoLabels: true);
        using var model = OnnxCrossEncoder.Load(_folder.FullName, new OnnxCrossEncoderOptions());

        Assert.Equal([2.0 * (5 + 3)], model.Score("apple", ["pear"], CancellationToken.None));
    }

    [Fact]
    public void Integer_types_and_inputs_come_from_the_models_metadata()
    {
        FakeCrossEncoder.Write(_folder.FullName, int32Ids: true, withTokenTypes: false);
        using var model = OnnxCrossEncoder.Load(_folder.FullName, new OnnxCrossEncoderOptions());

        // Without token types the whole pair is summed: [CLS] 2 + apple 4 + [SEP] 3 + fig 7 + [SEP] 3.
        Assert.Equal([2 + 4 + 3 + 7 + 3], model.Score("apple", ["fig"], CancellationToken.None));
    }

    [Fact]
    public void A_passage_longer_than_the_pair_window_loses_its_end_and_batches_do_not_mix_rows()
    {
        FakeCrossEncoder.Write(_folder.FullName);
        using var model = OnnxCrossEncoder.Load(_folder.FullName, new OnnxCrossEncoderOptions { MaxTokens = 6, BatchSize = 2 });

        // [CLS] apple [SEP] + two passage tokens + [SEP] = 6.
        var scores = model.Score("apple", ["plum plum plum", "pear", "fig fig fig"], CancellationToken.None);

        Assert.Equal([6 + 6 + 3, 5 + 3, 7 + 7 + 3], scores);
    }

    [Fact]
    public void A_query_that_fills_the_window_is_refused_naming_the_setting()
    {
        FakeCrossEncoder.Write(_folder.FullName);
        using var model = OnnxCrossEncoder.Load(_folder.FullName, new OnnxCrossEncoderOptions { MaxTokens = 8 });

        var error = Assert.Throws<ArgumentException>(() => model.Score("apple pear plum fig apple", ["fig"], CancellationToken.None));

        Assert.Contains("RagStack:CrossEncoder:MaxTokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_that_is_not_an_export_is_refused_naming_the_missing_file()
    {
        var missingModel = Assert.Throws<FileNotFoundException>(() => OnnxCrossEncoder.Load(_folder.FullName, new OnnxCrossEncoderOptions()));
        FakeCrossEncoder.Write(_folder.FullName);
        File.Delete(Path.Combine(_folder.FullName, "vocab.txt"));
        var missingVocabulary = Assert.Throws<FileNotFoundException>(() => OnnxCrossEncoder.Load(_folder.FullName, new OnnxCrossEncoderOptions()));

        Assert.Contains("onnx/model.onnx", missingModel.Message, StringComparison.Ordinal);
        Assert.Contains("vocab.txt", missingVocabulary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cased_tokenizer_is_refused_naming_its_config()
    {
        FakeCrossEncoder.Write(_folder.FullName);
        File.WriteAllText(Path.Combine(_folder.FullName, "tokenizer_config.json"), """{ "do_lower_case": false }""");

        var error = Assert.Throws<InvalidDataException>(() => OnnxCrossEncoder.Load(_folder.FullName, new OnnxCrossEncoderOptions()));

        Assert.Contains("tokenizer_config.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_composed_reranker_reads_its_folder_from_configuration_and_scores_candidates()
    {
        FakeCrossEncoder.Write(_folder.FullName);
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["RagStack:CrossEncoder:Path"] = _folder.FullName }).Build();
        services.AddRagStack(configuration).AddOnnxEmbeddings(o => o.UseDataFolder = false).AddOnnxReranker();
        await using var provider = services.BuildServiceProvider();

        var reranker = Assert.Single(provider.GetServices<IReranker>(), r => r.Method == RerankMethod.CrossEncoder);
        var scores = await reranker.ScoreAsync(new RerankRequest("apple", ReadOnlyMemory<float>.Empty, [Chunk("pear"), Chunk("fig")]));

        Assert.Equal([5.0 + 3, 7.0 + 3], scores);
    }

    [Fact]
    public async Task Without_a_folder_the_composed_reranker_fails_naming_the_setting()
    {
        var services = new ServiceCollection();
        services.AddRagStack(new ConfigurationBuilder().Build()).AddOnnxEmbeddings(o => o.UseDataFolder = false).AddOnnxReranker();
        await using var provider = services.BuildServiceProvider();
        var reranker = Assert.Single(provider.GetServices<IReranker>(), r => r.Method == RerankMethod.CrossEncoder);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reranker.ScoreAsync(new RerankRequest("apple", ReadOnlyMemory<float>.Empty, [Chunk("pear")])));

        Assert.StartsWith("RagStack:CrossEncoder:Path is not set", error.Message, StringComparison.Ordinal);
    }

    private static ChunkRecord Chunk(string text) => new() { Id = text, DocumentId = "d", Index = "i", Tenant = "t", DocumentName = "d.md", Text = text };
}
