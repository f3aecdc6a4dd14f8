using System.ComponentModel;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using RagStack.Imaging;

namespace RagStack.SemanticKernel;

/// <summary>
/// Image generation as a Semantic Kernel function, <c>generate_image</c>, over any <see cref="IImageGenerator"/>: the
/// PNG is stored in an <see cref="ImageStore"/> and the function returns its URI, never the image's bytes, so a model's
/// context stays small and a chat can show the picture by its address.
/// </summary>
#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI 11
public sealed class ImagePlugin
{
    /// <summary>The plugin name the registrations use; a model calling functions sees <c>images_generate_image</c> or <c>images-generate_image</c>.</summary>
    public const string DefaultName = "images";

    private readonly IImageGenerator _generator;
    private readonly ImageStore _store;

    /// <summary>Creates the plugin over <paramref name="generator"/>, keeping images in <paramref name="store"/>.</summary>
    public ImagePlugin(IImageGenerator generator, ImageStore store)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(store);
        _generator = generator;
        _store = store;
    }

    /// <summary>Draws a picture and returns the URI of the stored PNG.</summary>
    [KernelFunction("generate_image")]
    [Description("Draws a picture from a short visual description and returns the address (URI) of the PNG. Use it when the user asks for an image; show or link the returned URI, do not describe the bytes.")]
    public async Task<string> GenerateImageAsync(
        [Description("What the picture shows, e.g. 'a red circle on a blue background'.")] string prompt,
        [Description("Width in pixels, a multiple of 8.")] int width = 64,
        [Description("Height in pixels, a multiple of 8.")] int height = 64,
        [Description("Denoising steps, 1 to 100; more is slower and cleaner.")] int steps = 20,
        [Description("A seed to draw the same picture again; leave empty for a new one.")] long? seed = null,
        CancellationToken cancellationToken = default)
    {
        var properties = new AdditionalPropertiesDictionary { [ImageGenerationProperties.Steps] = Math.Clamp(steps, 1, 100) };
        if (seed is { } s)
        {
            properties[ImageGenerationProperties.Seed] = s;
        }

        var response = await _generator.GenerateImagesAsync(prompt, new ImageGenerationOptions
        {
            ImageSize = new System.Drawing.Size(width, height),
            ResponseFormat = ImageGenerationResponseFormat.Uri,
            AdditionalProperties = properties,
        }, cancellationToken);
        foreach (var content in response.Contents)
        {
            switch (content)
            {
                case UriContent uri:
                    return uri.Uri.ToString();
                case DataContent data:
                    return _store.UriOf(await _store.SaveAsync(data.Data, cancellationToken)).ToString();
            }
        }

        throw new InvalidOperationException("the image generator returned no image");
    }
}
#pragma warning restore MEAI001
