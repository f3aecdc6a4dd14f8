namespace RagStack.Imaging;

/// <summary>Settings of image generation, bound from <c>RagStack:Images</c>.</summary>
public sealed class ImagesOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Images;

    /// <summary>The folder name of the model shipped beside the application (<c>models/shapes-64</c>).</summary>
    public const string ShippedModelName = "shapes-64";

    /// <summary>Which backend draws: <see cref="ImageBackend.Local"/> (ONNX Runtime) or <see cref="ImageBackend.Remote"/>.</summary>
    public ImageBackend Backend { get; set; } = ImageBackend.Local;

    /// <summary>
    /// A Stable Diffusion ONNX export (<c>model_index.json</c>, <c>tokenizer/</c>, <c>text_encoder/</c>, <c>unet/</c>,
    /// <c>vae_decoder/</c>, <c>scheduler/</c>); <see langword="null"/> takes the shipped <c>shapes-64</c> model.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>The scheduler: <c>euler-a</c>, <c>ddim</c> or <c>lcm</c>; <see langword="null"/> follows <c>scheduler_config.json</c>.</summary>
    public string? Scheduler { get; set; }

    /// <summary>Denoising steps when a request names none.</summary>
    public int Steps { get; set; } = 20;

    /// <summary>Classifier-free guidance scale when a request names none; 1 or less runs the prompt alone (one batch).</summary>
    public float GuidanceScale { get; set; } = 5f;

    /// <summary>Image width in pixels when a request names none.</summary>
    public int Width { get; set; } = 64;

    /// <summary>Image height in pixels when a request names none.</summary>
    public int Height { get; set; } = 64;

    /// <summary>Threads one ONNX Runtime run may use; 0 lets ONNX Runtime choose.</summary>
    public int Threads { get; set; }

    /// <summary>Where generated PNGs are kept, by content hash; <see langword="null"/> takes <c>images/</c> in the data folder.</summary>
    public string? StoreDirectory { get; set; }

    /// <summary>
    /// The address stored images are served under (the API's <c>/images/{id}.png</c>), e.g. <c>http://localhost:5080/</c>;
    /// <see langword="null"/> returns <c>file:</c> URIs of the stored files.
    /// </summary>
    public Uri? PublicBaseUri { get; set; }

    /// <summary>The OpenAI-compatible server of the remote backend (its base, e.g. <c>http://host:5090/v1</c>).</summary>
    public Uri? RemoteEndpoint { get; set; }

    /// <summary>The remote backend's API key; servers that need none accept any.</summary>
    public string? RemoteApiKey { get; set; }

    /// <summary>The model id sent to the remote backend.</summary>
    public string RemoteModel { get; set; } = ShippedModelName;

    /// <summary>The model folder in force: <see cref="ModelPath"/>, else the shipped model beside the application.</summary>
    public string EffectiveModelPath => ModelPath is { Length: > 0 } path
        ? Path.GetFullPath(path)
        : Path.Combine(AppContext.BaseDirectory, "models", ShippedModelName);
}

/// <summary>Which backend draws images.</summary>
public enum ImageBackend
{
    /// <summary>Latent diffusion in process on ONNX Runtime.</summary>
    Local,

    /// <summary>An OpenAI-compatible <c>/v1/images/generations</c> server.</summary>
    Remote,
}
