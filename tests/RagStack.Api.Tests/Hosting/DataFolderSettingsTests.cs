using RagStack.Api.Hosting;
using RagStack.Onnx;

namespace RagStack.Api.Tests.Hosting;

public sealed class DataFolderSettingsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ragstack-api-folder-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_configured_folder_wins_and_is_made_absolute() =>
        Assert.Equal(Path.GetFullPath("some/data"), DataFolderSettings.Resolve("some/data"));

    [Fact]
    public void A_new_folder_records_the_default_embedding_model_as_the_cli_does()
    {
        var settings = DataFolderSettings.Open(_folder);

        Assert.Equal(EmbeddingModelKind.ArcticXs, settings.EmbeddingModel);
        Assert.Contains("\"EmbeddingModel\":\"ArcticXs\"", File.ReadAllText(settings.SettingsFile), StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_keeps_the_embedding_model_it_was_made_with()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "ragstack.json"), """{"EmbeddingModel":"MiniLM","RagStack":{"Domains":{"legal":{}}}}""");

        Assert.Equal(EmbeddingModelKind.MiniLM, DataFolderSettings.Open(_folder).EmbeddingModel);
    }

    [Fact]
    public void An_unknown_embedding_model_is_refused_by_name()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "ragstack.json"), """{"EmbeddingModel":"Ada"}""");

        var e = Assert.Throws<InvalidDataException>(() => DataFolderSettings.Open(_folder));
        Assert.Contains("'Ada'", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
