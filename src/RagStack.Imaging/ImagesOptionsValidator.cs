using Microsoft.Extensions.Options;
using RagStack.Imaging.Schedulers;

namespace RagStack.Imaging;

/// <summary>Checks <c>RagStack:Images</c> at start: sizes, steps and guidance in range, a remote endpoint for the remote backend.</summary>
internal sealed class ImagesOptionsValidator : IValidateOptions<ImagesOptions>
{
    public ValidateOptionsResult Validate(string? name, ImagesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingsCheck(ImagesOptions.Section)
            .Require(options.Steps is >= 1 and <= 1000, nameof(options.Steps), options.Steps, "it must be between 1 and 1000")
            .Require(options.GuidanceScale is >= 0 and <= 50, nameof(options.GuidanceScale), options.GuidanceScale, "it must be between 0 and 50")
            .Require(options.Width is >= 8 and <= 2048 && options.Width % 8 == 0, nameof(options.Width), options.Width, "it must be a multiple of 8 between 8 and 2048")
            .Require(options.Height is >= 8 and <= 2048 && options.Height % 8 == 0, nameof(options.Height), options.Height, "it must be a multiple of 8 between 8 and 2048")
            .Require(options.Threads >= 0, nameof(options.Threads), options.Threads, "it must be 0 (ONNX Runtime's choice) or positive")
            .Require(options.Scheduler is null || DiffusionSchedulers.IsKnown(options.Scheduler), nameof(options.Scheduler), options.Scheduler, $"it must be one of {string.Join(", ", DiffusionSchedulers.Names)}")
            .Require(options.Backend != ImageBackend.Remote || options.RemoteEndpoint is not null, nameof(options.RemoteEndpoint), options.RemoteEndpoint, "the remote backend needs the server's address")
            .Require(options.Backend != ImageBackend.Local || options.ModelPath is null || Directory.Exists(options.ModelPath), nameof(options.ModelPath), options.ModelPath, "no such folder; give a Stable Diffusion ONNX export or leave it out for the shipped model")
            .Result;
    }
}
