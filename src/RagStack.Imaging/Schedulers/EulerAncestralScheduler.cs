namespace RagStack.Imaging.Schedulers;

/// <summary>
/// Euler ancestral sampling (diffusers' <c>EulerAncestralDiscreteScheduler</c>): in σ-space, an Euler step to σ_down then
/// fresh noise of σ_up, with σ_down² + σ_up² = σ_next².
/// </summary>
internal sealed class EulerAncestralScheduler : IDiffusionScheduler
{
    private readonly NoiseSchedule _schedule;
    private readonly double[] _sigmas;

    public EulerAncestralScheduler(NoiseSchedule schedule, int steps)
    {
        _schedule = schedule;
        var ts = schedule.Timesteps(steps, integral: schedule.Config.TimestepSpacing != "linspace");
        Timesteps = ts;
        _sigmas = new double[steps + 1];
        for (var i = 0; i < steps; i++)
        {
            _sigmas[i] = schedule.SigmaAt(ts[i]);
        }

        var max = _sigmas.Max();
        InitNoiseSigma = (float)(schedule.Config.TimestepSpacing is "linspace" or "trailing" ? max : Math.Sqrt(max * max + 1));
    }

    public IReadOnlyList<double> Timesteps { get; }

    public float InitNoiseSigma { get; }

    public IReadOnlyList<double> Sigmas => _sigmas;

    public float InputScale(int step) => (float)(1 / Math.Sqrt(_sigmas[step] * _sigmas[step] + 1));

    public void Step(int step, ReadOnlySpan<float> modelOutput, Span<float> sample, GaussianNoise noise)
    {
        var sigma = _sigmas[step];
        var next = _sigmas[step + 1];
        var up = Math.Sqrt(next * next * (sigma * sigma - next * next) / (sigma * sigma));
        var down = Math.Sqrt(next * next - up * up);
        var dt = (float)(down - sigma);
        var v = _schedule.Config.PredictionType == "v_prediction";
        var c = (float)(-sigma / Math.Sqrt(sigma * sigma + 1));
        var d = (float)(1 / (sigma * sigma + 1));
        for (var i = 0; i < sample.Length; i++)
        {
            var x0 = v ? modelOutput[i] * c + sample[i] * d : sample[i] - (float)sigma * modelOutput[i];
            var derivative = (sample[i] - x0) / (float)sigma;
            sample[i] += derivative * dt;
        }

        if (up > 0)
        {
            for (var i = 0; i < sample.Length; i++)
            {
                sample[i] += noise.Next() * (float)up;
            }
        }
    }
}
