using Xunit;

namespace RagStack.Onnx.Tests.Support;

/// <summary>Both real models, each loaded once for the whole test run (a load takes about a second).</summary>
public sealed class LoadedModels : IDisposable
{
    private readonly Dictionary<EmbeddingVariant, OnnxEmbeddingGenerator> _loaded = [];

    /// <summary>arctic-embed-xs as published (fp32).</summary>
    internal OnnxEmbeddingGenerator Arctic => For(EmbeddingModelKind.ArcticXs);

    /// <summary>all-MiniLM-L6-v2 as published (fp32).</summary>
    internal OnnxEmbeddingGenerator MiniLM => For(EmbeddingModelKind.MiniLM);

    internal OnnxEmbeddingGenerator For(EmbeddingModelKind kind, EmbeddingPrecision precision = EmbeddingPrecision.Fp32)
    {
        var variant = new EmbeddingVariant(kind, precision);
        lock (_loaded)
        {
            if (!_loaded.TryGetValue(variant, out var generator))
            {
                _loaded[variant] = generator = new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { Model = kind, Precision = precision });
            }

            return generator;
        }
    }

    public void Dispose()
    {
        foreach (var generator in _loaded.Values)
        {
            generator.Dispose();
        }
    }
}

/// <summary>Tests that run the models share them and run one at a time: the machine has few cores.</summary>
[CollectionDefinition(Name)]
public sealed class ModelCollection : ICollectionFixture<LoadedModels>
{
    public const string Name = "ONNX models";
}
