using RagStack.Onnx;
using Xunit;

namespace RagStack.Onnx.Tests.DataFolders;

public sealed class DataFolderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ragstack-data-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void A_configured_folder_wins_and_is_made_absolute() =>
        Assert.Equal(Path.GetFullPath("some/data"), DataFolder.Resolve("some/data"));

    [Fact]
    public void A_new_folder_records_the_default_embedding_model()
    {
        var folder = DataFolder.Open(Path.Combine(_root.FullName, "new"));

        Assert.Equal(EmbeddingModelKind.ArcticXs, folder.EmbeddingModel);
        Assert.Contains("\"EmbeddingModel\":\"ArcticXs\"", File.ReadAllText(folder.SettingsFile), StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_folder_keeps_the_model_it_was_first_used_with()
    {
        DataFolder.Open(_root.FullName, EmbeddingModelKind.MiniLM);

        Assert.Equal(EmbeddingModelKind.MiniLM, DataFolder.Open(_root.FullName, requested: null).EmbeddingModel);
    }

    [Fact]
    public void A_settings_file_with_only_configuration_means_the_default_model()
    {
        File.WriteAllText(Path.Combine(_root.FullName, "ragstack.json"), """{"RagStack":{"Domains":{"legal":{}}}}""");

        Assert.Equal(EmbeddingModelKind.ArcticXs, DataFolder.Open(_root.FullName).EmbeddingModel);
    }

    [Fact]
    public void Another_model_is_refused_with_a_message_naming_both()
    {
        DataFolder.Open(_root.FullName, EmbeddingModelKind.ArcticXs);

        var error = Assert.Throws<InvalidOperationException>(() => DataFolder.Open(_root.FullName, EmbeddingModelKind.MiniLM));
        Assert.Contains("ArcticXs", error.Message, StringComparison.Ordinal);
        Assert.Contains("MiniLM", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_embedding_model_is_refused_by_name()
    {
        File.WriteAllText(Path.Combine(_root.FullName, "ragstack.json"), """{"EmbeddingModel":"Ada"}""");

        var e = Assert.Throws<InvalidDataException>(() => DataFolder.Open(_root.FullName));
        Assert.Contains("'Ada'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_folder_records_int8_unless_fp32_is_asked_for()
    {
        var int8 = DataFolder.Open(Path.Combine(_root.FullName, "int8"));
        var fp32 = DataFolder.Open(Path.Combine(_root.FullName, "fp32"), EmbeddingModelKind.MiniLM, EmbeddingPrecision.Fp32);

        Assert.Equal(new EmbeddingVariant(EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Int8), int8.Embedding);
        Assert.Contains("\"EmbeddingPrecision\":\"Int8\"", File.ReadAllText(int8.SettingsFile), StringComparison.Ordinal);
        Assert.Equal("MiniLM-fp32", DataFolder.Open(fp32.Path).Embedding.ToString());
    }

    [Fact]
    public void A_folder_that_names_its_model_but_no_precision_was_embedded_in_fp32()
    {
        File.WriteAllText(Path.Combine(_root.FullName, "ragstack.json"), """{"EmbeddingModel":"ArcticXs"}""");

        Assert.Equal(EmbeddingPrecision.Fp32, DataFolder.Open(_root.FullName, EmbeddingModelKind.ArcticXs).EmbeddingPrecision);
    }

    [Fact]
    public void A_settings_file_with_only_configuration_means_int8()
    {
        File.WriteAllText(Path.Combine(_root.FullName, "ragstack.json"), """{"RagStack":{"Domains":{"legal":{}}}}""");

        Assert.Equal(EmbeddingPrecision.Int8, DataFolder.Open(_root.FullName).EmbeddingPrecision);
    }

    [Fact]
    public void The_other_precision_of_the_same_model_is_refused_with_a_message_naming_both_variants()
    {
        DataFolder.Open(_root.FullName, EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Int8);

        var error = Assert.Throws<InvalidOperationException>(() => DataFolder.Open(_root.FullName, EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Fp32));

        Assert.Contains("holds vectors of ArcticXs-int8; it cannot be searched or extended with ArcticXs-fp32", error.Message, StringComparison.Ordinal);
        Assert.Contains("--embedding-model ArcticXs-int8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Asking_for_no_precision_takes_the_folders_own()
    {
        DataFolder.Open(_root.FullName, EmbeddingModelKind.MiniLM, EmbeddingPrecision.Fp32);

        Assert.Equal(EmbeddingPrecision.Fp32, DataFolder.Open(_root.FullName, EmbeddingModelKind.MiniLM).EmbeddingPrecision);
    }

    [Fact]
    public void An_unknown_precision_is_refused_by_name()
    {
        File.WriteAllText(Path.Combine(_root.FullName, "ragstack.json"), """{"EmbeddingModel":"ArcticXs","EmbeddingPrecision":"int4"}""");

        var e = Assert.Throws<InvalidDataException>(() => DataFolder.Open(_root.FullName));
        Assert.Contains("'int4'", e.Message, StringComparison.Ordinal);
    }
}
