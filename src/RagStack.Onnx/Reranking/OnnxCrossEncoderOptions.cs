namespace RagStack.Onnx;

/// <summary>Settings of the ONNX cross-encoder reranker, bound from <c>RagStack:CrossEncoder</c>.</summary>
public sealed class OnnxCrossEncoderOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.CrossEncoder;

    /// <summary>
    /// The cross-encoder's folder in the sentence-transformers export layout: <c>onnx/model.onnx</c> (or <c>model.onnx</c>)
    /// and the WordPiece <c>vocab.txt</c> of an uncased BERT-family model (ms-marco-MiniLM and the like).
    /// </summary>
    public string? Path { get; set; }

    /// <summary>The longest pair ([CLS] query [SEP] passage [SEP]) read; a longer passage loses its end, a longer query is refused.</summary>
    public int MaxTokens { get; set; } = 512;

    /// <summary>How many pairs one inference run scores.</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>Threads one inference run may use.</summary>
    public int IntraOpThreads { get; set; } = Environment.ProcessorCount;
}
