using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using RagStack.Imaging.Diffusion;

namespace RagStack.Imaging;

/// <summary>
/// <see cref="IImageGenerator"/> over the local diffusion pipeline: PNGs stored content-addressed and returned as
/// <see cref="UriContent"/>, or as <see cref="DataContent"/> when <see cref="ImageGenerationResponseFormat.Data"/> is asked.
/// </summary>
[Experimental("MEAI001")]
internal sealed class LocalImageGenerator : IImageGenerator
{
    private readonly StableDiffusionModel _model;
    private readonly DiffusionPipeline _pipeline;
    private readonly ImagesOptions _options;
    private readonly ImageStore _store;
    private readonly ImageGeneratorMetadata _metadata;

    public LocalImageGenerator(ImagesOptions options, ImageStore store)
    {
        _options = options;
        _store = store;
        _model = StableDiffusionModel.Open(options.EffectiveModelPath, options.Threads);
        _pipeline = new DiffusionPipeline(_model);
        _metadata = new ImageGeneratorMetadata("ragstack-onnx", null, Path.GetFileName(_model.Folder));
    }

    public string ModelId => _metadata.DefaultModelId!;

    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Prompt))
        {
            throw new ArgumentException("the prompt is empty; say what the image should show", nameof(request));
        }

        if (request.OriginalImages?.Any() == true)
        {
            throw new NotSupportedException("editing images is not supported by the local diffusion backend");
        }

        var count = options?.Count ?? 1;
        if (count is < 1 or > 16)
        {
            throw new ArgumentException($"the image count {count} must be between 1 and 16", nameof(options));
        }

        var width = options?.ImageSize?.Width ?? _options.Width;
        var height = options?.ImageSize?.Height ?? _options.Height;
        var steps = ImageGenerationProperties.Get<int>(options, ImageGenerationProperties.Steps) ?? _options.Steps;
        if (steps is < 1 or > 1000)
        {
            throw new ArgumentException($"the step count {steps} must be between 1 and 1000", nameof(options));
        }

        var guidance = ImageGenerationProperties.Get<float>(options, ImageGenerationProperties.GuidanceScale) ?? _options.GuidanceScale;
        var seed = ImageGenerationProperties.Get<long>(options, ImageGenerationProperties.Seed) ?? Random.Shared.NextInt64(0, int.MaxValue);
        var scheduler = options?.AdditionalProperties?.TryGetValue(ImageGenerationProperties.Scheduler, out var s) == true ? s?.ToString() : _options.Scheduler;
        var negative = options?.AdditionalProperties?.TryGetValue(ImageGenerationProperties.NegativePrompt, out var n) == true ? n?.ToString() ?? string.Empty : string.Empty;
        var progress = options?.AdditionalProperties?.TryGetValue(ImageGenerationProperties.Progress, out var p) == true ? p as IProgress<DiffusionProgress> : null;
        var asData = options?.ResponseFormat == ImageGenerationResponseFormat.Data;

        var contents = new List<AIContent>(count);
        for (var i = 0; i < count; i++)
        {
            var diffusion = new DiffusionRequest(request.Prompt, width, height, steps, guidance, seed + i) { Scheduler = scheduler, NegativePrompt = negative };
            var index = i;
            var stepProgress = progress is null ? null : new InlineProgress(step => progress.Report(new DiffusionProgress(index + 1, count, step, steps)));
            var image = await Task.Run(() => _pipeline.Generate(diffusion, stepProgress, cancellationToken), cancellationToken);
            var png = PngEncoder.Encode(image.Width, image.Height, image.Rgb);
            if (asData)
            {
                contents.Add(new DataContent(png, "image/png"));
            }
            else
            {
                var id = await _store.SaveAsync(png, cancellationToken);
                contents.Add(new UriContent(_store.UriOf(id), "image/png"));
            }
        }

        return new ImageGenerationResponse(contents);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ImageGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => _model.Dispose();

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to a context and arrive late or out of order).</summary>
    private sealed class InlineProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
