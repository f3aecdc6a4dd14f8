namespace RagStack.OpenAi.Images;

/// <summary>
/// The body of <c>POST /v1/images/generations</c>: OpenAI's fields (prompt, n, size "WxH", response_format
/// <c>b64_json</c> or <c>url</c>, model) and RagStack's extensions (seed, steps, guidance_scale, scheduler, negative_prompt).
/// </summary>
internal sealed record ImageGenerationBody
{
    public string? Prompt { get; init; }

    public int? N { get; init; }

    public string? Size { get; init; }

    public string? ResponseFormat { get; init; }

    public string? Model { get; init; }

    public long? Seed { get; init; }

    public int? Steps { get; init; }

    public float? GuidanceScale { get; init; }

    public string? Scheduler { get; init; }

    public string? NegativePrompt { get; init; }
}

/// <summary>The reply: one item per image, with its PNG in base64 or its address.</summary>
internal sealed record ImageList(long Created, IReadOnlyList<ImageItem> Data);

internal sealed record ImageItem(string? B64Json = null, string? Url = null, string? RevisedPrompt = null);
