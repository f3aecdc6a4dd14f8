using System.Text.Json.Serialization;

namespace RagStack.Conversations;

/// <summary>
/// One step of an answer in a conversation, in this order: <see cref="ConversationQuestionSaved"/>,
/// <see cref="ConversationRetrieving"/>, <see cref="ConversationRetrieved"/>, <see cref="ConversationToken"/> for each
/// piece of text, then <see cref="ConversationCompleted"/> or <see cref="ConversationFailed"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ConversationQuestionSaved), "question")]
[JsonDerivedType(typeof(ConversationRetrieving), "retrieving")]
[JsonDerivedType(typeof(ConversationRetrieved), "retrieved")]
[JsonDerivedType(typeof(ConversationToken), "token")]
[JsonDerivedType(typeof(ConversationCompleted), "completed")]
[JsonDerivedType(typeof(ConversationFailed), "failed")]
public abstract record ConversationUpdate;

/// <summary>The question as it was stored in the conversation.</summary>
public sealed record ConversationQuestionSaved(ConversationMessage Question) : ConversationUpdate;

/// <summary>Retrieval started: which index (or domain) is searched, and for what (the standalone query).</summary>
public sealed record ConversationRetrieving(string? Index, string? Domain, string SearchedFor) : ConversationUpdate;

/// <summary>Retrieval finished with this many passages.</summary>
public sealed record ConversationRetrieved(int Passages) : ConversationUpdate;

/// <summary>Text to append to the answer shown so far (its citations already resolved to <c>[n]</c>).</summary>
public sealed record ConversationToken(string Text) : ConversationUpdate;

/// <summary>The answer was written and stored: the whole message with its sources.</summary>
public sealed record ConversationCompleted(ConversationMessage Answer) : ConversationUpdate;

/// <summary>
/// The answer failed after the stream started (what it had written is stored with <see cref="ConversationMessage.Error"/>):
/// the API's problem details.
/// </summary>
public sealed record ConversationFailed(int Status, string Title, string? Detail) : ConversationUpdate;
