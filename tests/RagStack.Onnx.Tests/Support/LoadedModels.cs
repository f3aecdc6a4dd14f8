using Xunit;

namespace RagStack.Onnx.Tests.Support;

/// <summary>Both real models, each loaded once for the whole test run (a load takes about a second).</summary>
public sealed class LoadedModels : IDisposable
{
    private readonly Lazy<OnnxEmbeddingGenerator> _arctic = new(() => new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { Model = EmbeddingModelKind.ArcticXs }));
    private readonly Lazy<OnnxEmbeddingGenerator> _miniLm = new(() => new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { Model = EmbeddingModelKind.MiniLM }));

    internal OnnxEmbeddingGenerator Arctic => _arctic.Value;

    internal OnnxEmbeddingGenerator MiniLM => _miniLm.Value;

    internal OnnxEmbeddingGenerator For(EmbeddingModelKind kind) => kind == EmbeddingModelKind.ArcticXs ? Arctic : MiniLM;

    public void Dispose()
    {
        if (_arctic.IsValueCreated)
        {
            _arctic.Value.Dispose();
        }

        if (_miniLm.IsValueCreated)
        {
            _miniLm.Value.Dispose();
        }
    }
}

/// <summary>Tests that run the models share them and run one at a time: the machine has few cores.</summary>
[CollectionDefinition(Name)]
public sealed class ModelCollection : ICollectionFixture<LoadedModels>
{
    public const string Name = "ONNX models";
}
