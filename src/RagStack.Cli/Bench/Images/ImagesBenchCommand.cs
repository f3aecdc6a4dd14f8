using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Cli.Hosting;
using RagStack.Cli.Images;
using RagStack.Imaging;
using RagStack.Imaging.Diffusion;
using RagStack.Imaging.Schedulers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Bench.Images;

/// <summary>
/// <c>ragstack bench images</c>: how often the picture shows what the prompt says (read from the pixels by
/// <see cref="ShapePixelClassifier"/>, not by the model), and images and U-Net steps per second through RagStack beside
/// a raw ONNX Runtime loop on the same model, inputs and session options.
/// </summary>
#pragma warning disable MEAI001
internal sealed class ImagesBenchCommand : AsyncCommand<ImagesBenchCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandOption("--model <FOLDER>")]
        [Description("A Stable Diffusion ONNX export over the shapes vocabulary. Default: the shipped shapes-64 model.")]
        public string? Model { get; init; }

        [CommandOption("--prompts <N>")]
        [Description("Single-object prompts for adherence; every held-out combination comes first. Default: 100.")]
        [DefaultValue(100)]
        public int Prompts { get; init; } = 100;

        [CommandOption("--pairs <N>")]
        [Description("Two-object prompts for position ('left of' / 'right of'). Default: 20.")]
        [DefaultValue(20)]
        public int Pairs { get; init; } = 20;

        [CommandOption("--steps <N>")]
        [Description("Denoising steps. Default: 20.")]
        [DefaultValue(20)]
        public int Steps { get; init; } = 20;

        [CommandOption("--guidance <G>")]
        [Description("Guidance scale. Default: 5.")]
        [DefaultValue(5f)]
        public float Guidance { get; init; } = 5f;

        [CommandOption("--scheduler <NAME>")]
        [Description("Scheduler for the adherence images (euler-a, ddim, lcm). Default: the model's own.")]
        public string? Scheduler { get; init; }

        [CommandOption("--speed-images <N>")]
        [Description("Images timed through each path (DDIM, so both compute the same pixels). Default: 8.")]
        [DefaultValue(8)]
        public int SpeedImages { get; init; } = 8;

        [CommandOption("--threads <N>")]
        [Description("ONNX Runtime threads for both paths. Default: 0 (its choice).")]
        [DefaultValue(0)]
        public int Threads { get; init; }

        [CommandOption("--sheet <FILE>")]
        [Description("Write a contact sheet PNG of the adherence images (a green bar under a match, red under a miss).")]
        public string? Sheet { get; init; }

        public override ValidationResult Validate() =>
            Prompts < 1 || Pairs < 0 || SpeedImages < 1 || Steps < 1 ? ValidationResult.Error("--prompts, --steps and --speed-images must be positive, --pairs 0 or more")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var provider = ImageServices.Build(settings.ResolveDataDir(), o =>
        {
            o.Backend = ImageBackend.Local;
            o.ModelPath = settings.Model ?? o.ModelPath;
            o.Threads = settings.Threads;
        });
        if (provider is null)
        {
            return 1;
        }

        var options = provider.GetRequiredService<IOptions<ImagesOptions>>().Value;
        IImageGenerator generator;
        StableDiffusionModel model;
        try
        {
            generator = provider.GetRequiredService<IImageGenerator>();
            model = StableDiffusionModel.Open(options.EffectiveModelPath, settings.Threads);
        }
        catch (DiffusionModelException e)
        {
            Output.Error(e.Message);
            return 1;
        }

        using var _ = model;
        var size = new System.Drawing.Size(64, 64);

        async Task<(int W, int H, byte[] Rgb)> Draw(string prompt, long seed, string? scheduler)
        {
            var props = new AdditionalPropertiesDictionary
            {
                [ImageGenerationProperties.Seed] = seed,
                [ImageGenerationProperties.Steps] = settings.Steps,
                [ImageGenerationProperties.GuidanceScale] = settings.Guidance,
            };
            if (scheduler is not null)
            {
                props[ImageGenerationProperties.Scheduler] = scheduler;
            }

            var response = await generator.GenerateImagesAsync(prompt, new ImageGenerationOptions
            {
                ResponseFormat = ImageGenerationResponseFormat.Data,
                ImageSize = size,
                AdditionalProperties = props,
            }, cancellationToken);
            return PngEncoder.Decode(response.Contents.OfType<DataContent>().Single().Data.Span);
        }

        // ---- adherence
        var singles = ShapePrompts.Single(settings.Prompts);
        var rows = new List<(ShapePrompt Prompt, SceneReading Reading)>();
        var sheet = new List<(byte[] Rgb, bool Ok)>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < singles.Count; i++)
        {
            var (w, h, rgb) = await Draw(singles[i].Text, 1000 + i, settings.Scheduler);
            var reading = ShapePixelClassifier.Read(w, h, rgb);
            rows.Add((singles[i], reading));
            sheet.Add((rgb, reading.Colour == singles[i].Colour && reading.Background == singles[i].Background && reading.Shape == singles[i].Shape));
        }

        var pairs = ShapePrompts.Pairs(settings.Pairs);
        var positions = 0;
        var pairColours = 0;
        foreach (var (pair, i) in pairs.Select((p, i) => (p, i)))
        {
            var (w, h, rgb) = await Draw(pair.Text, 5000 + i, settings.Scheduler);
            var a = ShapePixelClassifier.CentreX(w, h, rgb, pair.ColourA);
            var b = ShapePixelClassifier.CentreX(w, h, rgb, pair.ColourB);
            pairColours += a is not null && b is not null ? 1 : 0;
            positions += a is not null && b is not null && a < b ? 1 : 0;
        }

        var adherenceSeconds = clock.Elapsed.TotalSeconds;

        // ---- speed: the same prompt, seed and DDIM steps through both paths, alternated, medians
        var raw = RawDiffusionLoop.TryOpen(model, settings.Threads, out var rawReason);
        var ours = new List<double>();
        var reference = new List<double>();
        var identical = true;
        var schedule = new NoiseSchedule(model.Scheduler);
        var ddim = new DdimScheduler(schedule, settings.Steps);
        var timesteps = ddim.Timesteps.ToArray();
        var alphas = schedule.AlphasCumprod;
        var previousAlphas = Enumerable.Range(0, timesteps.Length).Select(ddim.PreviousAlpha).ToArray();
        var prompt = "a green square on a yellow background";
        var uncond = model.Tokenizer.Encode("");
        var cond = model.Tokenizer.Encode(prompt);
        var latent = size.Width / model.VaeScale;
        // Which path goes first alternates, so neither always runs on the caches and clocks the other left behind.
        for (var i = -1; i < settings.SpeedImages; i++)
        {
            byte[]? mine = null, theirs = null;
            double oursSeconds = 0, rawSeconds = 0;
            for (var turn = 0; turn < 2; turn++)
            {
                var start = Stopwatch.GetTimestamp();
                if ((turn == 0) == (i % 2 == 0))
                {
                    mine = (await Draw(prompt, 77 + i, DiffusionSchedulers.Ddim)).Rgb;
                    oursSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                }
                else
                {
                    theirs = raw?.Generate(uncond, cond, latent, latent, model.LatentChannels, timesteps, alphas, previousAlphas, settings.Guidance, model.ScalingFactor, 77 + i);
                    rawSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                }
            }

            if (i >= 0)
            {
                ours.Add(oursSeconds);
                reference.Add(rawSeconds);
                identical &= theirs is null || theirs.AsSpan().SequenceEqual(mine);
            }
        }

        raw?.Dispose();
        if (settings.Sheet is { } sheetPath)
        {
            WriteSheet(sheetPath, sheet, 10);
        }

        Report(settings, rows, pairs.Count, pairColours, positions, adherenceSeconds, ours, raw is null ? null : reference, rawReason, identical, options.EffectiveModelPath);
        return 0;
    }

    private static void Report(Settings settings, List<(ShapePrompt Prompt, SceneReading Reading)> rows, int pairCount, int pairColours, int positions,
        double adherenceSeconds, List<double> ours, List<double>? reference, string? rawReason, bool identical, string modelPath)
    {
        double Share(Func<(ShapePrompt Prompt, SceneReading Reading), bool> ok, IEnumerable<(ShapePrompt Prompt, SceneReading Reading)> set)
        {
            var list = set.ToList();
            return list.Count == 0 ? double.NaN : list.Count(ok) / (double)list.Count;
        }

        bool Colour((ShapePrompt Prompt, SceneReading Reading) r) => r.Reading.Colour == r.Prompt.Colour;
        bool Background((ShapePrompt Prompt, SceneReading Reading) r) => r.Reading.Background == r.Prompt.Background;
        bool Shape((ShapePrompt Prompt, SceneReading Reading) r) => r.Reading.Shape == r.Prompt.Shape;
        var held = rows.Where(r => r.Prompt.HeldOut).ToList();
        var seen = rows.Where(r => !r.Prompt.HeldOut).ToList();
        var metrics = new (string Name, Func<(ShapePrompt, SceneReading), bool> Ok)[]
        {
            ("shape colour", Colour),
            ("background colour", Background),
            ("colour + background (goal ≥ 0.80)", r => Colour(r) && Background(r)),
            ("shape", Shape),
            ("colour + background + shape", r => Colour(r) && Background(r) && Shape(r)),
        };
        double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        static double? OrNull(double v) => double.IsNaN(v) ? null : v;
        var oursImage = Median(ours);
        var rawImage = reference is null ? double.NaN : Median(reference);

        if (settings.Json)
        {
            Output.Json(new
            {
                model = modelPath,
                prompts = rows.Count,
                heldOut = held.Count,
                adherence = metrics.Select(m => new { metric = m.Name, all = OrNull(Share(m.Ok, rows)), heldOut = OrNull(Share(m.Ok, held)), seen = OrNull(Share(m.Ok, seen)) }),
                position = new { pairs = pairCount, bothColoursFound = pairColours, correct = positions },
                speed = new { ragstackImagesPerSecond = 1 / oursImage, rawImagesPerSecond = OrNull(1 / rawImage), ratio = OrNull(rawImage / oursImage), steps = settings.Steps, identicalPixels = identical, rawReason },
            });
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"prompt adherence, {rows.Count} prompts ({held.Count} held out of training), {settings.Steps} steps, guidance {settings.Guidance}")
            .AddColumns("read from the pixels", "all", "held-out combinations", "seen combinations");
        foreach (var (name, ok) in metrics)
        {
            table.AddRow(Markup.Escape(name), $"{Share(ok, rows):0.00}", $"{Share(ok, held):0.00}", $"{Share(ok, seen):0.00}");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"position: {positions}/{pairCount} two-object prompts with the objects in the order said ({pairColours} with both colours found); {adherenceSeconds:0.0} s for the adherence images");

        var speed = new Table().Border(TableBorder.Rounded).Title($"speed, 64x64, {settings.Steps} DDIM steps, guidance {settings.Guidance} (batch of 2), median of {ours.Count}")
            .AddColumns("", "images/s", "U-Net steps/s", "ms/image");
        speed.AddRow("RagStack (IImageGenerator, PNG included)", $"{1 / oursImage:0.00}", $"{settings.Steps / oursImage:0.0}", $"{oursImage * 1000:0}");
        if (reference is not null)
        {
            speed.AddRow("raw ONNX Runtime loop (reference)", $"{1 / rawImage:0.00}", $"{settings.Steps / rawImage:0.0}", $"{rawImage * 1000:0}");
            speed.AddRow("RagStack / raw (goal ≥ 0.95)", $"{rawImage / oursImage:0.00}x", "", "");
        }

        AnsiConsole.Write(speed);
        AnsiConsole.MarkupLine(reference is null ? $"raw loop not run: {Markup.Escape(rawReason ?? "")}" : identical ? "both paths drew identical pixels" : "[yellow]the two paths drew different pixels[/]");
    }

    private static void WriteSheet(string path, List<(byte[] Rgb, bool Ok)> images, int columns)
    {
        const int cell = 64, bar = 4, gap = 2;
        var rowsCount = (images.Count + columns - 1) / columns;
        int width = columns * (cell + gap) + gap, height = rowsCount * (cell + bar + gap) + gap;
        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)128);
        for (var n = 0; n < images.Count; n++)
        {
            int ox = gap + n % columns * (cell + gap), oy = gap + n / columns * (cell + bar + gap);
            for (var y = 0; y < cell + bar; y++)
            {
                for (var x = 0; x < cell; x++)
                {
                    var dst = ((oy + y) * width + ox + x) * 3;
                    if (y < cell)
                    {
                        Array.Copy(images[n].Rgb, (y * cell + x) * 3, rgb, dst, 3);
                    }
                    else
                    {
                        (rgb[dst], rgb[dst + 1], rgb[dst + 2]) = images[n].Ok ? ((byte)0, (byte)200, (byte)0) : ((byte)220, (byte)0, (byte)0);
                    }
                }
            }
        }

        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, PngEncoder.Encode(width, height, rgb));
    }
}
#pragma warning restore MEAI001
