using Microsoft.Extensions.AI;

namespace RagStack.Imaging;

/// <summary>
/// The keys of <see cref="ImageGenerationOptions.AdditionalProperties"/> RagStack's generators read, beyond what
/// <see cref="ImageGenerationOptions"/> has: seed, steps, guidance, scheduler, negative prompt and a progress sink.
/// </summary>
public static class ImageGenerationProperties
{
    /// <summary>A whole number; image <c>i</c> of a request uses seed + i. Absent: a random seed.</summary>
    public const string Seed = "seed";

    /// <summary>Denoising steps (a whole number).</summary>
    public const string Steps = "steps";

    /// <summary>Classifier-free guidance scale (a number; 1 or less runs the prompt alone).</summary>
    public const string GuidanceScale = "guidance_scale";

    /// <summary><c>euler-a</c>, <c>ddim</c> or <c>lcm</c>.</summary>
    public const string Scheduler = "scheduler";

    /// <summary>What the image should not look like.</summary>
    public const string NegativePrompt = "negative_prompt";

    /// <summary>An <see cref="IProgress{T}"/> of <see cref="DiffusionProgress"/>, told after every step (in-process only).</summary>
    public const string Progress = "progress";

    internal static T? Get<T>(ImageGenerationOptions? options, string key)
        where T : struct
    {
        if (options?.AdditionalProperties is not { } props || !props.TryGetValue(key, out var value) || value is null)
        {
            return null;
        }

        try
        {
            return value switch
            {
                T t => t,
                System.Text.Json.JsonElement json => (T)Convert.ChangeType(json.ToString(), typeof(T), System.Globalization.CultureInfo.InvariantCulture),
                string s => (T)Convert.ChangeType(s, typeof(T), System.Globalization.CultureInfo.InvariantCulture),
                IConvertible c => (T)Convert.ChangeType(c, typeof(T), System.Globalization.CultureInfo.InvariantCulture),
                _ => throw new ArgumentException($"image option '{key}' is a {value.GetType().Name}; a {typeof(T).Name} is needed"),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            throw new ArgumentException($"image option '{key}' = '{value}' is not a {typeof(T).Name}", e);
        }
    }
}
