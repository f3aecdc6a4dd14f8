using System.Text.Json;

namespace RagStack.Imaging.Schedulers;

/// <summary>The parts of diffusers' <c>scheduler/scheduler_config.json</c> the schedulers here honour.</summary>
internal sealed record SchedulerConfig
{
    public string ClassName { get; init; } = "EulerAncestralDiscreteScheduler";
    public int NumTrainTimesteps { get; init; } = 1000;
    public double BetaStart { get; init; } = 0.00085;
    public double BetaEnd { get; init; } = 0.012;
    public string BetaSchedule { get; init; } = "scaled_linear";
    public string PredictionType { get; init; } = "epsilon";
    public string TimestepSpacing { get; init; } = "leading";
    public int StepsOffset { get; init; }
    public bool SetAlphaToOne { get; init; }
    public int OriginalInferenceSteps { get; init; } = 50;
    public double TimestepScaling { get; init; } = 10.0;

    /// <summary>Reads <paramref name="path"/>; keys it lacks keep diffusers' defaults.</summary>
    /// <exception cref="DiffusionModelException">The file is not JSON, or names a schedule or prediction type not supported.</exception>
    public static SchedulerConfig Load(string path)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new DiffusionModelException($"{path} is not valid JSON: {e.Message}", e);
        }

        var d = new SchedulerConfig();
        var config = d with
        {
            ClassName = Str(root, "_class_name") ?? d.ClassName,
            NumTrainTimesteps = (int)(Num(root, "num_train_timesteps") ?? d.NumTrainTimesteps),
            BetaStart = Num(root, "beta_start") ?? d.BetaStart,
            BetaEnd = Num(root, "beta_end") ?? d.BetaEnd,
            BetaSchedule = Str(root, "beta_schedule") ?? d.BetaSchedule,
            PredictionType = Str(root, "prediction_type") ?? d.PredictionType,
            TimestepSpacing = Str(root, "timestep_spacing") ?? d.TimestepSpacing,
            StepsOffset = (int)(Num(root, "steps_offset") ?? d.StepsOffset),
            SetAlphaToOne = root.TryGetProperty("set_alpha_to_one", out var one) && one.ValueKind == JsonValueKind.True,
            OriginalInferenceSteps = (int)(Num(root, "original_inference_steps") ?? d.OriginalInferenceSteps),
            TimestepScaling = Num(root, "timestep_scaling") ?? d.TimestepScaling,
        };
        if (config.BetaSchedule is not ("scaled_linear" or "linear"))
        {
            throw new DiffusionModelException($"{path}: beta_schedule '{config.BetaSchedule}' is not supported (scaled_linear or linear)");
        }

        if (config.PredictionType is not ("epsilon" or "v_prediction"))
        {
            throw new DiffusionModelException($"{path}: prediction_type '{config.PredictionType}' is not supported (epsilon or v_prediction)");
        }

        if (config.TimestepSpacing is not ("leading" or "trailing" or "linspace"))
        {
            throw new DiffusionModelException($"{path}: timestep_spacing '{config.TimestepSpacing}' is not supported (leading, trailing or linspace)");
        }

        return config;
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Num(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
