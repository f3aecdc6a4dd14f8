using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RagStack.Imaging.Schedulers;

namespace RagStack.Imaging.Diffusion;

/// <summary>
/// A Stable Diffusion ONNX export opened for inference: the tokenizer, the three sessions, and what their metadata says
/// about names, element types and sizes (nothing about them is assumed).
/// </summary>
internal sealed class StableDiffusionModel : IDisposable
{
    /// <summary>The files a folder must have, relative to it.</summary>
    public static IReadOnlyList<string> RequiredFiles { get; } =
    [
        "model_index.json", "tokenizer/vocab.json", "tokenizer/merges.txt", "text_encoder/model.onnx", "unet/model.onnx",
        "vae_decoder/model.onnx", "scheduler/scheduler_config.json",
    ];

    private StableDiffusionModel(string folder, SessionOptions options)
    {
        Folder = folder;
        Tokenizer = ClipTokenizer.Load(Path.Combine(folder, "tokenizer"));
        Scheduler = SchedulerConfig.Load(Path.Combine(folder, "scheduler", "scheduler_config.json"));
        (ScalingFactor, VaeScale) = ReadVaeConfig(Path.Combine(folder, "vae_decoder", "config.json"));
        TextEncoder = Open(folder, "text_encoder", options);
        Unet = Open(folder, "unet", options);
        VaeDecoder = Open(folder, "vae_decoder", options);
        try
        {
            TextInput = Input(TextEncoder, "text_encoder", "input_ids");
            TextOutput = Output(TextEncoder, "text_encoder", "last_hidden_state");
            SampleInput = Input(Unet, "unet", "sample");
            TimestepInput = Input(Unet, "unet", "timestep");
            HiddenInput = Input(Unet, "unet", "encoder_hidden_states");
            UnetOutput = Output(Unet, "unet", "out_sample");
            LatentInput = Input(VaeDecoder, "vae_decoder", "latent_sample");
            ImageOutput = Output(VaeDecoder, "vae_decoder", "sample");
            var extra = Unet.InputMetadata.Keys.Except([SampleInput.Name, TimestepInput.Name, HiddenInput.Name]).ToArray();
            if (extra.Length > 0)
            {
                throw new DiffusionModelException($"{Path.Combine(folder, "unet", "model.onnx")} takes inputs this pipeline does not give ({string.Join(", ", extra)}); SDXL-style U-Nets are not supported");
            }

            var sampleDims = SampleInput.Dimensions;
            LatentChannels = sampleDims.Length == 4 && sampleDims[1] > 0 ? sampleDims[1] : 4;
            var hiddenDims = HiddenInput.Dimensions;
            HiddenSize = hiddenDims.Length == 3 && hiddenDims[2] > 0 ? hiddenDims[2] : 0;
            TimestepPerSample = TimestepInput.Dimensions.Length > 0 && TimestepInput.Dimensions[0] != 1;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Folder { get; }

    public ClipTokenizer Tokenizer { get; }

    public SchedulerConfig Scheduler { get; }

    public float ScalingFactor { get; }

    /// <summary>Pixels per latent cell on each side: 2^(len(block_out_channels) − 1), 8 for Stable Diffusion.</summary>
    public int VaeScale { get; }

    public InferenceSession TextEncoder { get; }

    public InferenceSession Unet { get; }

    public InferenceSession VaeDecoder { get; }

    public TensorInfo TextInput { get; }

    public TensorInfo TextOutput { get; }

    public TensorInfo SampleInput { get; }

    public TensorInfo TimestepInput { get; }

    public TensorInfo HiddenInput { get; }

    public TensorInfo UnetOutput { get; }

    public TensorInfo LatentInput { get; }

    public TensorInfo ImageOutput { get; }

    public int LatentChannels { get; }

    /// <summary>The text encoder's width as the U-Net declares it; 0 where the export leaves it symbolic.</summary>
    public int HiddenSize { get; }

    /// <summary>Whether the timestep input has one value a batch row ([B]) rather than one for all (scalar or [1]).</summary>
    public bool TimestepPerSample { get; }

    /// <summary>The session options every session of a model is opened with (the bench's raw loop uses the same).</summary>
    public static SessionOptions CreateSessionOptions(int threads)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
        }

        return options;
    }

    /// <summary>Checks the folder's layout and opens it.</summary>
    /// <exception cref="DiffusionModelException">A file is missing or unreadable; the message names it.</exception>
    public static StableDiffusionModel Open(string folder, int threads = 0)
    {
        CheckLayout(folder);
        using var options = CreateSessionOptions(threads);
        return new StableDiffusionModel(Path.GetFullPath(folder), options);
    }

    /// <summary>Throws, naming the first missing file, when <paramref name="folder"/> is not a Stable Diffusion ONNX export.</summary>
    public static void CheckLayout(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DiffusionModelException($"model folder '{folder}' does not exist");
        }

        foreach (var file in RequiredFiles)
        {
            if (!File.Exists(Path.Combine(folder, file)))
            {
                throw new DiffusionModelException($"'{folder}' is not a Stable Diffusion ONNX export: {file} is missing");
            }
        }
    }

    public void Dispose()
    {
        TextEncoder?.Dispose();
        Unet?.Dispose();
        VaeDecoder?.Dispose();
    }

    private static InferenceSession Open(string folder, string component, SessionOptions options)
    {
        var path = Path.Combine(folder, component, "model.onnx");
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new DiffusionModelException($"{path} could not be opened by ONNX Runtime: {e.Message}", e);
        }
    }

    private static (float Scaling, int VaeScale) ReadVaeConfig(string path)
    {
        if (!File.Exists(path))
        {
            return (0.18215f, 8);
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            var scaling = root.TryGetProperty("scaling_factor", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetSingle() : 0.18215f;
            var scale = root.TryGetProperty("block_out_channels", out var b) && b.ValueKind == JsonValueKind.Array && b.GetArrayLength() > 0
                ? 1 << (b.GetArrayLength() - 1)
                : 8;
            return (scaling, scale);
        }
        catch (JsonException e)
        {
            throw new DiffusionModelException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    private static TensorInfo Input(InferenceSession session, string component, string preferred) =>
        Describe(session.InputMetadata, component, preferred, "input");

    private static TensorInfo Output(InferenceSession session, string component, string preferred) =>
        Describe(session.OutputMetadata, component, preferred, "output");

    private static TensorInfo Describe(IReadOnlyDictionary<string, NodeMetadata> metadata, string component, string preferred, string kind)
    {
        var (name, meta) = metadata.TryGetValue(preferred, out var m) ? (preferred, m) : (metadata.Keys.First(), metadata.Values.First());
        if (!OrtBuffer.Supports(meta.ElementDataType))
        {
            throw new DiffusionModelException($"{component}/model.onnx: {kind} '{name}' is {meta.ElementDataType}; float, float16, int32 or int64 is needed");
        }

        return new TensorInfo(name, meta.ElementDataType, meta.Dimensions);
    }
}

/// <summary>One model input or output as its metadata declares it (dimensions ≤ 0 are symbolic).</summary>
internal sealed record TensorInfo(string Name, TensorElementType Type, int[] Dimensions);
