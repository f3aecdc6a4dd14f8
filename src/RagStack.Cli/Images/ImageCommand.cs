using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Cli.Hosting;
using RagStack.Imaging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Images;

#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI 11
/// <summary><c>ragstack image "&lt;prompt&gt;" --out x.png</c>: draws a picture offline with the local diffusion model, with a progress bar.</summary>
internal sealed class ImageCommand : AsyncCommand<ImageCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<PROMPT>")]
        [Description("What to draw, e.g. \"a green square on a yellow background\".")]
        public string Prompt { get; init; } = "";

        [CommandOption("-o|--out <FILE>")]
        [Description("The PNG to write. Default: image.png.")]
        [DefaultValue("image.png")]
        public string Out { get; init; } = "image.png";

        [CommandOption("--size <WxH>")]
        [Description("Width x height in pixels, e.g. 64x64. Default: RagStack:Images:Width/Height (64x64).")]
        public string? Size { get; init; }

        [CommandOption("--steps <N>")]
        [Description("Denoising steps. Default: RagStack:Images:Steps (20).")]
        public int? Steps { get; init; }

        [CommandOption("--seed <S>")]
        [Description("Seed; the same seed draws the same picture. Default: random.")]
        public long? Seed { get; init; }

        [CommandOption("--guidance <G>")]
        [Description("Classifier-free guidance scale; 1 or less runs the prompt alone. Default: RagStack:Images:GuidanceScale (5).")]
        public float? Guidance { get; init; }

        [CommandOption("--scheduler <NAME>")]
        [Description("euler-a, ddim or lcm. Default: the model's scheduler_config.json.")]
        public string? Scheduler { get; init; }

        [CommandOption("--model <FOLDER>")]
        [Description("A Stable Diffusion ONNX export. Default: the shipped shapes-64 model.")]
        public string? Model { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Prompt) ? ValidationResult.Error("say what to draw")
            : Size is not null && ParseSize(Size) is null ? ValidationResult.Error($"--size '{Size}' is not WxH, e.g. 64x64")
            : Steps is < 1 or > 1000 ? ValidationResult.Error("--steps must be between 1 and 1000")
            : ValidationResult.Success();
    }

    /// <summary>"64x64" as a size; null when it is not one.</summary>
    public static System.Drawing.Size? ParseSize(string text)
    {
        var parts = text.Split('x', 'X');
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var w) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var h) && w > 0 && h > 0
            ? new System.Drawing.Size(w, h)
            : null;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var provider = ImageServices.Build(settings.ResolveDataDir(), o =>
        {
            o.Backend = ImageBackend.Local;
            o.ModelPath = settings.Model ?? o.ModelPath;
        });
        if (provider is null)
        {
            return 1;
        }

        var options = provider.GetRequiredService<IOptions<ImagesOptions>>().Value;
        var steps = settings.Steps ?? options.Steps;
        var seed = settings.Seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        var clock = Stopwatch.StartNew();
        ImageGenerationResponse response;
        try
        {
            var generator = provider.GetRequiredService<IImageGenerator>();
            var request = new ImageGenerationOptions
            {
                ResponseFormat = ImageGenerationResponseFormat.Data,
                ImageSize = settings.Size is null ? null : ParseSize(settings.Size),
                AdditionalProperties = new()
                {
                    [ImageGenerationProperties.Seed] = seed,
                    [ImageGenerationProperties.Steps] = steps,
                },
            };
            if (settings.Guidance is { } g)
            {
                request.AdditionalProperties[ImageGenerationProperties.GuidanceScale] = g;
            }

            if (settings.Scheduler is { } s)
            {
                request.AdditionalProperties[ImageGenerationProperties.Scheduler] = s;
            }

            if (settings.Json || Console.IsErrorRedirected)
            {
                response = await generator.GenerateImagesAsync(settings.Prompt, request, cancellationToken);
            }
            else
            {
                response = await AnsiConsole.Progress().AutoClear(true).StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("denoising", maxValue: steps);
                    request.AdditionalProperties[ImageGenerationProperties.Progress] = new StepProgress(p => task.Value = p.Step);
                    return await generator.GenerateImagesAsync(settings.Prompt, request, cancellationToken);
                });
            }
        }
        catch (DiffusionModelException e)
        {
            Output.Error(e.Message);
            return 1;
        }
        catch (ArgumentException e)
        {
            Output.Error(e.Message);
            return 1;
        }

        var png = response.Contents.OfType<DataContent>().Single().Data;
        var outPath = Path.GetFullPath(settings.Out);
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        await File.WriteAllBytesAsync(outPath, png.ToArray(), cancellationToken);
        if (settings.Json)
        {
            Output.Json(new { path = outPath, seed, steps, seconds = clock.Elapsed.TotalSeconds });
        }
        else
        {
            AnsiConsole.MarkupLine($"{Markup.Escape(outPath)}: seed {seed}, {steps} steps, {clock.Elapsed.TotalSeconds:0.00} s");
        }

        return 0;
    }

    private sealed class StepProgress(Action<DiffusionProgress> report) : IProgress<DiffusionProgress>
    {
        public void Report(DiffusionProgress value) => report(value);
    }
}
#pragma warning restore MEAI001
