using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RagStack.Imaging.Diffusion;
using RagStack.Imaging.Schedulers;

namespace RagStack.Cli.Bench.Images;

/// <summary>
/// The reference for the speed table: the plainest ONNX Runtime loop over the same model files and session options —
/// text encoder, DDIM over the U-Net with guidance in a batch of 2, VAE decoder — written inline, for float32 exports.
/// </summary>
internal sealed class RawDiffusionLoop : IDisposable
{
    private readonly InferenceSession _text;
    private readonly InferenceSession _unet;
    private readonly InferenceSession _vae;
    private readonly bool _int64Ids;
    private readonly bool _int64Timestep;

    private RawDiffusionLoop(string folder, int threads)
    {
        using var options = StableDiffusionModel.CreateSessionOptions(threads);
        _text = new InferenceSession(Path.Combine(folder, "text_encoder", "model.onnx"), options);
        _unet = new InferenceSession(Path.Combine(folder, "unet", "model.onnx"), options);
        _vae = new InferenceSession(Path.Combine(folder, "vae_decoder", "model.onnx"), options);
        _int64Ids = _text.InputMetadata["input_ids"].ElementDataType == TensorElementType.Int64;
        _int64Timestep = _unet.InputMetadata["timestep"].ElementDataType == TensorElementType.Int64;
    }

    /// <summary>The loop over <paramref name="model"/>'s files, or null with the reason when it is not a float32 export this loop handles.</summary>
    public static RawDiffusionLoop? TryOpen(StableDiffusionModel model, int threads, out string? reason)
    {
        reason = null;
        if (model.SampleInput.Type != TensorElementType.Float || model.HiddenInput.Type != TensorElementType.Float
            || model.LatentInput.Type != TensorElementType.Float || model.TimestepInput.Type is not (TensorElementType.Float or TensorElementType.Int64)
            || model.TextInput.Name != "input_ids" || model.TimestepInput.Name != "timestep" || !model.TimestepPerSample)
        {
            reason = "the raw loop handles float32 exports with a [B] timestep";
            return null;
        }

        return new RawDiffusionLoop(model.Folder, threads);
    }

    public byte[] Generate(long[] uncondIds, long[] condIds, int h, int w, int channels, double[] timesteps, double[] alphas, double[] previousAlphas, float guidance, float scaling, long seed)
    {
        var size = channels * h * w;
        var hidden = Encode(uncondIds).Concat(Encode(condIds)).ToArray();
        var width = hidden.Length / 2 / 77;
        using var hiddenValue = OrtValue.CreateTensorValueFromMemory(hidden, [2, 77, width]);
        var latents = new float[size];
        var noise = new GaussianNoise(seed);
        noise.Fill(latents);
        var batch = new float[2 * size];
        using var runOptions = new RunOptions();
        for (var step = 0; step < timesteps.Length; step++)
        {
            latents.CopyTo(batch, 0);
            latents.CopyTo(batch, size);
            using var sample = OrtValue.CreateTensorValueFromMemory(batch, [2, channels, h, w]);
            using var t = _int64Timestep
                ? OrtValue.CreateTensorValueFromMemory(new[] { (long)timesteps[step], (long)timesteps[step] }, [2])
                : OrtValue.CreateTensorValueFromMemory(new[] { (float)timesteps[step], (float)timesteps[step] }, [2]);
            using var outputs = _unet.Run(runOptions, ["sample", "timestep", "encoder_hidden_states"], [sample, t, hiddenValue], [_unet.OutputNames[0]]);
            var eps = outputs[0].GetTensorDataAsSpan<float>();
            var a = alphas[(int)timesteps[step]];
            var prev = previousAlphas[step];
            float sa = (float)Math.Sqrt(a), sb = (float)Math.Sqrt(1 - a), pa = (float)Math.Sqrt(prev), pb = (float)Math.Sqrt(1 - prev);
            for (var i = 0; i < size; i++)
            {
                var e = eps[i] + guidance * (eps[size + i] - eps[i]);
                var x0 = (latents[i] - sb * e) / sa;
                latents[i] = pa * x0 + pb * e;
            }
        }

        for (var i = 0; i < size; i++)
        {
            latents[i] /= scaling;
        }

        using var z = OrtValue.CreateTensorValueFromMemory(latents, [1, channels, h, w]);
        using var image = _vae.Run(runOptions, [_vae.InputNames[0]], [z], [_vae.OutputNames[0]]);
        var pixels = image[0].GetTensorDataAsSpan<float>();
        var rgb = new byte[pixels.Length];
        var plane = pixels.Length / 3;
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                rgb[i * 3 + c] = (byte)MathF.Round(Math.Clamp(pixels[c * plane + i] / 2f + 0.5f, 0f, 1f) * 255f);
            }
        }

        return rgb;
    }

    private float[] Encode(long[] ids)
    {
        using var value = _int64Ids
            ? OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length])
            : OrtValue.CreateTensorValueFromMemory(ids.Select(i => (int)i).ToArray(), [1, ids.Length]);
        using var runOptions = new RunOptions();
        using var outputs = _text.Run(runOptions, ["input_ids"], [value], [_text.OutputNames[0]]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        _text.Dispose();
        _unet.Dispose();
        _vae.Dispose();
    }
}
