namespace RagStack.Answering;

/// <summary>
/// One step of a streamed answer: a piece of text to append (its citations already resolved), and on the last update
/// the finished <see cref="Answer"/> with its sources.
/// </summary>
public sealed record AnswerUpdate
{
    /// <summary>Text to append to what was shown so far; empty on the last update.</summary>
    public string Text { get; init; } = "";

    /// <summary>
    /// How many passages retrieval found; set on one update without text, sent when retrieval finished and before the
    /// answer is written (by the in-process answerer; a remote client's stream has no such update).
    /// </summary>
    public int? Retrieved { get; init; }

    /// <summary>The whole answer with its sources; set on the last update only.</summary>
    public Answer? Completed { get; init; }
}
