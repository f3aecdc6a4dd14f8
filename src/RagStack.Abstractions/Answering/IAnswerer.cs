namespace RagStack.Answering;

/// <summary>Answers questions from an index's documents, citing the sources it used.</summary>
public interface IAnswerer
{
    /// <summary>Streams the answer as it is written; the last update carries the finished <see cref="Answer"/>.</summary>
    IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AskRequest request, CancellationToken cancellationToken = default);

    /// <summary>The finished answer, once it is written.</summary>
    Task<Answer> AskAsync(AskRequest request, CancellationToken cancellationToken = default);
}
