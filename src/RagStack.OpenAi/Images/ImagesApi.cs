using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using RagStack.Imaging;
using RagStack.OpenAi.Errors;

namespace RagStack.OpenAi.Images;

/// <summary>
/// <c>POST /v1/images/generations</c> over the host's <see cref="IImageGenerator"/>, and <c>GET /images/{id}.png</c>
/// for the images it stored; the model host and the RAG API both map them.
/// </summary>
#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI 11
public static class ImagesApi
{
    /// <summary>The most images one request may ask for.</summary>
    public const int MaxImages = 8;

    /// <summary>Maps <c>POST /images/generations</c> on <paramref name="v1"/> (a <c>/v1</c> group).</summary>
    public static RouteHandlerBuilder MapImageGenerationsApi(this IEndpointRouteBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        return v1.MapPost("/images/generations", GenerateAsync)
            .WithName("CreateImages")
            .WithSummary("Draws images from a prompt in OpenAI's format; seed, steps, guidance_scale and scheduler are RagStack extensions.");
    }

    /// <summary>Maps <c>GET /images/{id}.png</c>: a stored image by its content hash.</summary>
    public static RouteHandlerBuilder MapStoredImagesApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.MapGet("/images/{file}", ReadAsync)
            .WithName("GetImage")
            .WithSummary("A generated image by its id (the SHA-256 of its PNG), as image/png.");
    }

    internal static async Task<IResult> ReadAsync(string file, ImageStore store, CancellationToken cancellationToken)
    {
        var id = file.EndsWith(".png", StringComparison.Ordinal) ? file[..^4] : file;
        return await store.ReadAsync(id, cancellationToken) is { } png
            ? TypedResults.File(png, "image/png")
            : TypedResults.NotFound();
    }

    internal static async Task<IResult> GenerateAsync(HttpRequest http, IImageGenerator generator, ImageStore store, CancellationToken cancellationToken)
    {
        ImageGenerationBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(http.Body, OpenAiJson.Default.ImageGenerationBody, cancellationToken);
        }
        catch (JsonException e)
        {
            return OpenAiError.InvalidRequest(
                $"The request body is not a valid image generation request: {JsonBodyProblem.Describe(e, typeof(ImageGenerationBody), JsonNamingPolicy.SnakeCaseLower)}",
                JsonBodyProblem.ParamOf(e), "invalid_json");
        }

        if (body is null || string.IsNullOrWhiteSpace(body.Prompt))
        {
            return OpenAiError.InvalidRequest("'prompt' is required: say what the image should show.", "prompt");
        }

        if (body.N is < 1 or > MaxImages)
        {
            return OpenAiError.InvalidRequest($"'n' = {body.N} must be between 1 and {MaxImages}.", "n");
        }

        var format = body.ResponseFormat ?? "b64_json";
        if (format is not ("b64_json" or "url"))
        {
            return OpenAiError.InvalidRequest($"'response_format' = '{format}' must be 'b64_json' or 'url'.", "response_format");
        }

        System.Drawing.Size? size = null;
        if (body.Size is { Length: > 0 } text && !string.Equals(text, "auto", StringComparison.Ordinal))
        {
            var parts = text.Split('x');
            if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var w) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var h) || w <= 0 || h <= 0)
            {
                return OpenAiError.InvalidRequest($"'size' = '{text}' is not WIDTHxHEIGHT, e.g. 64x64.", "size");
            }

            size = new System.Drawing.Size(w, h);
        }

        var props = new AdditionalPropertiesDictionary();
        if (body.Seed is { } seed)
        {
            props[ImageGenerationProperties.Seed] = seed;
        }

        if (body.Steps is { } steps)
        {
            props[ImageGenerationProperties.Steps] = steps;
        }

        if (body.GuidanceScale is { } guidance)
        {
            props[ImageGenerationProperties.GuidanceScale] = guidance;
        }

        if (body.Scheduler is { } scheduler)
        {
            props[ImageGenerationProperties.Scheduler] = scheduler;
        }

        if (body.NegativePrompt is { } negative)
        {
            props[ImageGenerationProperties.NegativePrompt] = negative;
        }

        ImageGenerationResponse response;
        try
        {
            response = await generator.GenerateImagesAsync(body.Prompt, new ImageGenerationOptions
            {
                Count = body.N ?? 1,
                ImageSize = size,
                ResponseFormat = ImageGenerationResponseFormat.Data,
                AdditionalProperties = props,
            }, cancellationToken);
        }
        catch (ArgumentException e)
        {
            return OpenAiError.InvalidRequest(ArgumentMessages.Of(e));
        }

        var items = new List<ImageItem>();
        foreach (var content in response.Contents)
        {
            ReadOnlyMemory<byte>? png = content switch
            {
                DataContent data => data.Data,
                UriContent uri when ImageStore.IdOf(uri.Uri) is { } stored && await store.ReadAsync(stored, cancellationToken) is { } file => file,
                _ => null,
            };
            if (png is not { } bytes)
            {
                continue;
            }

            if (format == "b64_json")
            {
                items.Add(new ImageItem(B64Json: Convert.ToBase64String(bytes.Span)));
            }
            else
            {
                var id = await store.SaveAsync(bytes, cancellationToken);
                items.Add(new ImageItem(Url: $"{http.Scheme}://{http.Host}{http.PathBase}/images/{id}.png"));
            }
        }

        return TypedResults.Json(new ImageList(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), items), OpenAiJson.Default.ImageList);
    }
}
#pragma warning restore MEAI001
