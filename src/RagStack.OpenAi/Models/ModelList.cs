namespace RagStack.OpenAi.Models;

/// <summary>The body of <c>GET /v1/models</c>.</summary>
internal sealed record ModelList(IReadOnlyList<ModelCard> Data)
{
    public string Object => "list";
}

/// <summary>One model a request may name.</summary>
internal sealed record ModelCard(string Id, long Created)
{
    public string Object => "model";

    public string OwnedBy => "ragstack";
}
