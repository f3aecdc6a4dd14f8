namespace RagStack.Imaging.Schedulers;

/// <summary>The training noise schedule (betas and their cumulative alpha products) and the inference timestep spacings.</summary>
internal sealed class NoiseSchedule
{
    public NoiseSchedule(SchedulerConfig config)
    {
        Config = config;
        var n = config.NumTrainTimesteps;
        AlphasCumprod = new double[n];
        var product = 1.0;
        for (var i = 0; i < n; i++)
        {
            var f = n == 1 ? 0 : (double)i / (n - 1);
            var beta = config.BetaSchedule == "linear"
                ? config.BetaStart + f * (config.BetaEnd - config.BetaStart)
                : Math.Pow(Math.Sqrt(config.BetaStart) + f * (Math.Sqrt(config.BetaEnd) - Math.Sqrt(config.BetaStart)), 2);
            product *= 1 - beta;
            AlphasCumprod[i] = product;
        }
    }

    public SchedulerConfig Config { get; }

    /// <summary>ᾱ_t for t = 0 … N−1.</summary>
    public double[] AlphasCumprod { get; }

    /// <summary>ᾱ at a fractional timestep, linearly interpolated (as numpy's interp in diffusers).</summary>
    public double AlphaAt(double t)
    {
        var lo = (int)Math.Clamp(Math.Floor(t), 0, AlphasCumprod.Length - 1);
        var hi = Math.Min(lo + 1, AlphasCumprod.Length - 1);
        var w = Math.Clamp(t - lo, 0, 1);
        return AlphasCumprod[lo] * (1 - w) + AlphasCumprod[hi] * w;
    }

    /// <summary>σ_t = √((1−ᾱ_t)/ᾱ_t) at a fractional timestep, interpolated in σ as diffusers' Euler schedulers do.</summary>
    public double SigmaAt(double t)
    {
        var lo = (int)Math.Clamp(Math.Floor(t), 0, AlphasCumprod.Length - 1);
        var hi = Math.Min(lo + 1, AlphasCumprod.Length - 1);
        var w = Math.Clamp(t - lo, 0, 1);
        return Sigma(lo) * (1 - w) + Sigma(hi) * w;
    }

    private double Sigma(int t) => Math.Sqrt((1 - AlphasCumprod[t]) / AlphasCumprod[t]);

    /// <summary>
    /// The timesteps of <paramref name="steps"/> inference steps, noisiest first, by <c>timestep_spacing</c>:
    /// <c>leading</c> (k·⌊N/S⌋ + offset), <c>trailing</c> (round(N − k·N/S) − 1) or <c>linspace</c> (evenly from N−1 to 0).
    /// </summary>
    public double[] Timesteps(int steps, bool integral)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var n = Config.NumTrainTimesteps;
        var ts = new double[steps];
        for (var k = 0; k < steps; k++)
        {
            ts[k] = Config.TimestepSpacing switch
            {
                "leading" => (steps - 1 - k) * (n / steps) + Config.StepsOffset,
                "trailing" => Math.Round(n - k * ((double)n / steps)) - 1,
                _ => steps == 1 ? n - 1 : (n - 1) * (double)(steps - 1 - k) / (steps - 1),
            };
            if (integral)
            {
                ts[k] = Math.Round(ts[k], MidpointRounding.ToEven);
            }

            ts[k] = Math.Clamp(ts[k], 0, n - 1);
        }

        return ts;
    }

    /// <summary>The model's clean-sample and noise estimates from its output at ᾱ_t (epsilon or v prediction).</summary>
    public (float X0, float Eps) Estimates(float sample, float output, double alpha)
    {
        var sa = Math.Sqrt(alpha);
        var sb = Math.Sqrt(1 - alpha);
        return Config.PredictionType == "v_prediction"
            ? ((float)(sa * sample - sb * output), (float)(sa * output + sb * sample))
            : ((float)((sample - sb * output) / sa), output);
    }
}
