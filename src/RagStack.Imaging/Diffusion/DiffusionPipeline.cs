using Microsoft.ML.OnnxRuntime;
using RagStack.Imaging.Schedulers;

namespace RagStack.Imaging.Diffusion;

/// <summary>
/// Text to image by latent diffusion over a <see cref="StableDiffusionModel"/>: the text encoder once per prompt, the
/// U-Net once a step (unconditional and conditional in one batch of 2 when guided), the VAE decoder once. Every tensor is
/// allocated once per image and rewritten in place between steps.
/// </summary>
internal sealed class DiffusionPipeline(StableDiffusionModel model)
{
    public StableDiffusionModel Model { get; } = model;

    /// <summary>Draws one image; cancellation is honoured between steps.</summary>
    /// <exception cref="ArgumentException">The size is not a multiple of the VAE's scale, or the steps are out of range.</exception>
    public DiffusionImage Generate(DiffusionRequest request, IProgress<int>? stepDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scale = Model.VaeScale;
        if (request.Width % scale != 0 || request.Height % scale != 0 || request.Width <= 0 || request.Height <= 0)
        {
            throw new ArgumentException($"the size {request.Width}x{request.Height} must be positive multiples of {scale} for this model", nameof(request));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(request.Steps, 1, nameof(request));
        cancellationToken.ThrowIfCancellationRequested();
        var scheduler = DiffusionSchedulers.Create(Model.Scheduler, request.Scheduler, request.Steps);
        var guided = request.GuidanceScale > 1f;
        var batch = guided ? 2 : 1;
        int c = Model.LatentChannels, h = request.Height / scale, w = request.Width / scale;
        var size = c * h * w;

        using var hidden = EncodeText(guided ? [request.NegativePrompt, request.Prompt] : [request.Prompt]);
        using var sample = OrtBuffer.Create(Model.SampleInput.Type, batch, c, h, w);
        using var timestep = OrtBuffer.Create(Model.TimestepInput.Type, TimestepShape(batch));
        using var output = OrtBuffer.Create(Model.UnetOutput.Type, batch, c, h, w);
        using var runOptions = new RunOptions();
        string[] inputNames = [Model.SampleInput.Name, Model.TimestepInput.Name, Model.HiddenInput.Name];
        OrtValue[] inputs = [sample.Value, timestep.Value, hidden.Value];
        string[] outputNames = [Model.UnetOutput.Name];
        OrtValue[] outputs = [output.Value];

        var noise = new GaussianNoise(request.Seed);
        var latents = new float[size];
        noise.Fill(latents, scheduler.InitNoiseSigma);
        var scaled = new float[size];
        var predicted = new float[batch * size];
        var guidedOutput = guided ? new float[size] : predicted;
        var t = new float[timestep.Length];
        for (var step = 0; step < scheduler.Timesteps.Count; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inputScale = scheduler.InputScale(step);
            for (var i = 0; i < size; i++)
            {
                scaled[i] = latents[i] * inputScale;
            }

            for (var b = 0; b < batch; b++)
            {
                sample.Write(scaled, b * size);
            }

            Array.Fill(t, (float)scheduler.Timesteps[step]);
            timestep.Write(t);
            Model.Unet.Run(runOptions, inputNames, inputs, outputNames, outputs);
            output.Read(predicted);
            if (guided)
            {
                var g = request.GuidanceScale;
                for (var i = 0; i < size; i++)
                {
                    var uncond = predicted[i];
                    guidedOutput[i] = uncond + g * (predicted[size + i] - uncond);
                }
            }

            scheduler.Step(step, guidedOutput.AsSpan(0, size), latents, noise);
            stepDone?.Report(step + 1);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Decode(latents, h, w);
    }

    private long[] TimestepShape(int batch)
    {
        var dims = Model.TimestepInput.Dimensions;
        return dims.Length == 0 ? [] : [Model.TimestepPerSample ? batch : 1];
    }

    /// <summary>The text encoder's last hidden states of each prompt, stacked into the U-Net's encoder_hidden_states.</summary>
    private OrtBuffer EncodeText(string[] prompts)
    {
        var length = ClipTokenizer.MaxLength;
        using var ids = OrtBuffer.Create(Model.TextInput.Type, 1, length);
        using var runOptions = new RunOptions();
        OrtBuffer? hidden = null;
        try
        {
            for (var p = 0; p < prompts.Length; p++)
            {
                ids.Write(Model.Tokenizer.Encode(prompts[p]));
                using var results = Model.TextEncoder.Run(runOptions, [Model.TextInput.Name], [ids.Value], [Model.TextOutput.Name]);
                var result = results[0];
                var shape = result.GetTensorTypeAndShape().Shape;
                var width = (int)shape[^1];
                if (Model.HiddenSize > 0 && Model.HiddenSize != width)
                {
                    throw new DiffusionModelException($"{Model.Folder}: the text encoder gives {width} features a token but the U-Net takes {Model.HiddenSize}");
                }

                hidden ??= OrtBuffer.Create(Model.HiddenInput.Type, prompts.Length, length, width);
                var values = new float[length * width];
                if (result.GetTensorTypeAndShape().ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float16)
                {
                    var half = result.GetTensorDataAsSpan<Float16>();
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = (float)(Half)System.Runtime.CompilerServices.Unsafe.BitCast<Float16, Half>(half[i]);
                    }
                }
                else
                {
                    result.GetTensorDataAsSpan<float>()[..values.Length].CopyTo(values);
                }

                hidden.Write(values, p * values.Length);
            }

            return hidden!;
        }
        catch
        {
            hidden?.Dispose();
            throw;
        }
    }

    private DiffusionImage Decode(float[] latents, int h, int w)
    {
        var inv = 1f / Model.ScalingFactor;
        var input = new float[latents.Length];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = latents[i] * inv;
        }

        using var latent = OrtBuffer.Create(Model.LatentInput.Type, 1, Model.LatentChannels, h, w);
        latent.Write(input);
        int height = h * Model.VaeScale, width = w * Model.VaeScale;
        using var image = OrtBuffer.Create(Model.ImageOutput.Type, 1, 3, height, width);
        using var runOptions = new RunOptions();
        Model.VaeDecoder.Run(runOptions, [Model.LatentInput.Name], [latent.Value], [Model.ImageOutput.Name], [image.Value]);
        var pixels = new float[image.Length];
        image.Read(pixels);
        var plane = height * width;
        var rgb = new byte[plane * 3];
        for (var i = 0; i < plane; i++)
        {
            for (var ch = 0; ch < 3; ch++)
            {
                var v = Math.Clamp(pixels[ch * plane + i] / 2f + 0.5f, 0f, 1f);
                rgb[i * 3 + ch] = (byte)MathF.Round(v * 255f);
            }
        }

        return new DiffusionImage(width, height, rgb);
    }
}
