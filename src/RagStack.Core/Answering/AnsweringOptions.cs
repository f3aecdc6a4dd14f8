namespace RagStack.Answering;

/// <summary>Settings of grounded answers, bound from <c>RagStack:Answering</c>.</summary>
public sealed class AnsweringOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Answering;

    /// <summary>
    /// Cosine similarity between the question's embedding and the best retrieved chunk below which the answer says the
    /// documents hold nothing relevant, without calling a model. Fused retrieval scores are min–max scaled per query, so the
    /// best one is always about 1; cosine is absolute. Calibrated with ArcticXs on corpora/genai-engineering (top 8): its 65
    /// questions scored 0.584–0.811 (median 0.718), 24 off-topic questions 0.464–0.574 (median 0.516). The gap is narrow,
    /// so the default leans towards answering: 0.56 keeps every corpus question with a 0.024 margin and refuses 22 of the
    /// 24 off-topic ones; the prompt tells the model to say so for the rest. Another embedding model needs its own
    /// calibration; -1 turns the check off.
    /// </summary>
    public double RelevanceThreshold { get; set; } = 0.56;

    /// <summary>
    /// The generator's window in tokens, used only when the chat client offers no <c>IChatTokenCounter</c> (e.g. a remote
    /// OpenAI-compatible server); prompts are then counted with a conservative estimate (UTF-8 bytes / 3 per text, plus
    /// 8 tokens per message for the chat template), which over-counts English by about a third rather than overflow.
    /// </summary>
    public int ContextLength { get; set; } = 4096;

    /// <summary>Tokens reserved for the answer, unless the request names its own.</summary>
    public int MaxOutputTokens { get; set; } = 512;

    /// <summary>
    /// The smallest answer reserve: when a long question and history leave less than <see cref="MaxOutputTokens"/>, the
    /// reserve shrinks down to this before the request fails with <see cref="Generation.ContextWindowExceededException"/>.
    /// </summary>
    public int MinOutputTokens { get; set; } = 64;

    /// <summary>
    /// How many neighbouring chunks on each side of a retrieved one, in the same section and on the same page, a generator
    /// is handed with it: retrieval matches small units, the answer reads their context. 0 hands over the matches alone.
    /// </summary>
    public int ContextNeighbours { get; set; } = 1;

    /// <summary>How many of the best passages an extractive answer (no generator configured) chooses its sentences from.</summary>
    public int ExtractivePassages { get; set; } = 3;

    /// <summary>
    /// The most sentences an extractive answer shows, ranked by the embedding model against the question; 0 shows the
    /// passages whole instead.
    /// </summary>
    public int ExtractiveSentences { get; set; } = 3;

    /// <summary>A sentence after the best one is shown only if its cosine with the question is within this of the best.</summary>
    public double ExtractiveMargin { get; set; } = 0.05;

    /// <summary>
    /// A folder holding <c>answer/skprompt.txt</c> and <c>answer/config.json</c> to use instead of the copy embedded in
    /// RagStack.Core; null for the embedded copy.
    /// </summary>
    public string? PromptsDirectory { get; set; }

    /// <summary>The one-line notice of an extractive answer: how to get generated answers instead.</summary>
    public string ExtractiveNotice { get; set; } =
        "No generator model is configured, so these are the best passages. For written answers install one: ragstack models pull <name>, or pass --model <path.gguf>.";

    /// <summary>The answer given when no retrieved chunk is relevant enough.</summary>
    public string NoRelevantContextAnswer { get; set; } = "The indexed documents do not contain information relevant to this question.";
}
