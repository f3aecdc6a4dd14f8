namespace RagStack.Imaging.Schedulers;

/// <summary>
/// Latent consistency sampling (diffusers' <c>LCMScheduler</c>): each step predicts the clean latent through the
/// consistency boundary condition (c_skip·x + c_out·x̂₀) and, before the last step, noises it again to the next timestep.
/// </summary>
internal sealed class LcmScheduler : IDiffusionScheduler
{
    private const double SigmaData = 0.5;
    private readonly NoiseSchedule _schedule;

    public LcmScheduler(NoiseSchedule schedule, int steps)
    {
        _schedule = schedule;
        var n = schedule.Config.NumTrainTimesteps;
        var original = Math.Max(1, Math.Min(schedule.Config.OriginalInferenceSteps, n));
        var k = n / original;
        // The training schedule's skeleton, noisiest first: k·i − 1 for i = original … 1; then every ⌊original/S⌋-th of it.
        var origin = Enumerable.Range(1, original).Select(i => i * k - 1).Reverse().ToArray();
        steps = Math.Min(steps, origin.Length);
        var skip = origin.Length / steps;
        Timesteps = Enumerable.Range(0, steps).Select(i => (double)origin[i * skip]).ToArray();
    }

    public IReadOnlyList<double> Timesteps { get; }

    public float InitNoiseSigma => 1f;

    public float InputScale(int step) => 1f;

    /// <summary>The boundary-condition scalings at timestep <paramref name="t"/>.</summary>
    public (double Skip, double Out) Scalings(double t)
    {
        var scaled = t * _schedule.Config.TimestepScaling;
        return (SigmaData * SigmaData / (scaled * scaled + SigmaData * SigmaData), scaled / Math.Sqrt(scaled * scaled + SigmaData * SigmaData));
    }

    public void Step(int step, ReadOnlySpan<float> modelOutput, Span<float> sample, GaussianNoise noise)
    {
        var t = Timesteps[step];
        var alpha = _schedule.AlphasCumprod[(int)t];
        var (skip, output) = Scalings(t);
        var last = step == Timesteps.Count - 1;
        var prev = last ? 1.0 : _schedule.AlphasCumprod[(int)Timesteps[step + 1]];
        var a = (float)Math.Sqrt(prev);
        var b = (float)Math.Sqrt(1 - prev);
        for (var i = 0; i < sample.Length; i++)
        {
            var (x0, _) = _schedule.Estimates(sample[i], modelOutput[i], alpha);
            var denoised = (float)(output * x0 + skip * sample[i]);
            sample[i] = last ? denoised : a * denoised + b * noise.Next();
        }
    }
}
