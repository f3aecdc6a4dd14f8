namespace RagStack.Imaging.Schedulers;

/// <summary>
/// Deterministic DDIM (η = 0; diffusers' <c>DDIMScheduler</c>): x_prev = √ᾱ_prev·x̂₀ + √(1−ᾱ_prev)·ε̂, the previous
/// timestep being t − ⌊N/S⌋.
/// </summary>
internal sealed class DdimScheduler : IDiffusionScheduler
{
    private readonly NoiseSchedule _schedule;
    private readonly int _stride;

    public DdimScheduler(NoiseSchedule schedule, int steps)
    {
        _schedule = schedule;
        Timesteps = schedule.Timesteps(steps, integral: true);
        _stride = schedule.Config.NumTrainTimesteps / steps;
    }

    public IReadOnlyList<double> Timesteps { get; }

    public float InitNoiseSigma => 1f;

    public float InputScale(int step) => 1f;

    /// <summary>ᾱ of the timestep the step lands on: ᾱ_(t − N/S), or 1 / ᾱ_0 past the start (<c>set_alpha_to_one</c>).</summary>
    public double PreviousAlpha(int step)
    {
        var prev = (int)Timesteps[step] - _stride;
        return prev >= 0 ? _schedule.AlphasCumprod[prev] : _schedule.Config.SetAlphaToOne ? 1.0 : _schedule.AlphasCumprod[0];
    }

    public void Step(int step, ReadOnlySpan<float> modelOutput, Span<float> sample, GaussianNoise noise)
    {
        var alpha = _schedule.AlphasCumprod[(int)Timesteps[step]];
        var prev = PreviousAlpha(step);
        var a = (float)Math.Sqrt(prev);
        var b = (float)Math.Sqrt(1 - prev);
        for (var i = 0; i < sample.Length; i++)
        {
            var (x0, eps) = _schedule.Estimates(sample[i], modelOutput[i], alpha);
            sample[i] = a * x0 + b * eps;
        }
    }
}
