using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.TextToImage;
using RagStack.Imaging;

namespace RagStack.SemanticKernel;

/// <summary>
/// Semantic Kernel's <see cref="ITextToImageService"/> over a Microsoft.Extensions.AI <see cref="IImageGenerator"/>, for
/// kernels and connectors that expect the former. Width and height come from the settings' <c>width</c>/<c>height</c>
/// (or <c>size</c> "WxH") extension data; images come back by address (a stored PNG) where the generator stores them, as
/// PNG bytes otherwise.
/// </summary>
[Experimental("SKEXP0001")]
public sealed class ImageGeneratorTextToImageService : ITextToImageService
{
#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI 11
    private readonly IImageGenerator _generator;

    /// <summary>Wraps <paramref name="generator"/>.</summary>
    public ImageGeneratorTextToImageService(IImageGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        _generator = generator;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object?> Attributes { get; } = new Dictionary<string, object?>();

    /// <inheritdoc />
    public async Task<IReadOnlyList<ImageContent>> GetImageContentsAsync(Microsoft.SemanticKernel.TextContent input, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var data = executionSettings?.ExtensionData;
        var width = Number(data, "width");
        var height = Number(data, "height");
        if (data?.TryGetValue("size", out var text) == true && ImageSizes.TryParse(text?.ToString(), out var size))
        {
            width ??= size.Width;
            height ??= size.Height;
        }

        var response = await _generator.GenerateImagesAsync(input.Text ?? string.Empty, new ImageGenerationOptions
        {
            ImageSize = width is { } ww && height is { } hh ? new System.Drawing.Size(ww, hh) : null,
            ResponseFormat = ImageGenerationResponseFormat.Uri,
            AdditionalProperties = Number(data, ImageGenerationProperties.Seed) is { } seed ? new() { [ImageGenerationProperties.Seed] = (long)seed } : null,
        }, cancellationToken);
        return [.. response.Contents.Select(c => c switch
        {
            DataContent d => new ImageContent(d.Data, d.MediaType),
            UriContent u => new ImageContent(u.Uri) { MimeType = u.MediaType },
            _ => null,
        }).OfType<ImageContent>()];
    }

    private static int? Number(IDictionary<string, object>? data, string key) =>
        data is not null && data.TryGetValue(key, out var value) && value is not null
            ? value switch
            {
                int i => i,
                long l => (int)l,
                JsonElement { ValueKind: JsonValueKind.Number } j => j.GetInt32(),
                _ => int.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null,
            }
            : null;
#pragma warning restore MEAI001
}
