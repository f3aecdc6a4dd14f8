using RagStack.Cli.Hosting;
using RagStack.Onnx;

namespace RagStack.Cli.Tests.Hosting;

public sealed class DataFolderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ragstack-data-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void A_new_folder_keeps_the_model_it_was_first_used_with()
    {
        DataFolder.Open(_root.FullName, EmbeddingModelKind.MiniLM);

        Assert.Equal(EmbeddingModelKind.MiniLM, DataFolder.Open(_root.FullName, requested: null).EmbeddingModel);
    }

    [Fact]
    public void Another_model_is_refused_with_a_message_naming_both()
    {
        DataFolder.Open(_root.FullName, EmbeddingModelKind.ArcticXs);

        var error = Assert.Throws<InvalidOperationException>(() => DataFolder.Open(_root.FullName, EmbeddingModelKind.MiniLM));
        Assert.Contains("ArcticXs", error.Message, StringComparison.Ordinal);
        Assert.Contains("MiniLM", error.Message, StringComparison.Ordinal);
    }
}
