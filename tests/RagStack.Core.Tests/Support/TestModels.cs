using RagStack.Embeddings;

namespace RagStack.Core.Tests.Support;

/// <summary>The real embedding model the tests share, loaded once (loading the ONNX session takes a second).</summary>
internal static class TestModels
{
    private static readonly Lazy<RagStack.Onnx.OnnxEmbeddingModel> Model = new(() => RagStack.Onnx.OnnxEmbeddings.Load());

    public static ITokenCounter Tokens => Model.Value.Tokens;

    public static Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> Embeddings => Model.Value.Generator;
}
