namespace RagStack.Imaging.Diffusion;

/// <summary>One image to draw: what, how large, how many steps, how strongly guided, from which seed, by which scheduler.</summary>
internal sealed record DiffusionRequest(string Prompt, int Width, int Height, int Steps, float GuidanceScale, long Seed)
{
    /// <summary>What the image should not look like; the unconditional half of guidance (empty: the bare prompt).</summary>
    public string NegativePrompt { get; init; } = string.Empty;

    /// <summary>A scheduler name (<c>euler-a</c>, <c>ddim</c>, <c>lcm</c>), or null for the model's own.</summary>
    public string? Scheduler { get; init; }
}

/// <summary>A drawn image: 8-bit RGB pixels, row by row.</summary>
internal sealed record DiffusionImage(int Width, int Height, byte[] Rgb);
