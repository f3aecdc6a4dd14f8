namespace RagStack.Imaging.Schedulers;

/// <summary>One sampler's walk from noise to a clean latent: its timesteps, how it scales the U-Net's input and each step's update.</summary>
internal interface IDiffusionScheduler
{
    /// <summary>The timestep given to the U-Net at each step, noisiest first.</summary>
    IReadOnlyList<double> Timesteps { get; }

    /// <summary>What the initial Gaussian noise is multiplied by.</summary>
    float InitNoiseSigma { get; }

    /// <summary>What the latents are multiplied by before the U-Net sees them at <paramref name="step"/>.</summary>
    float InputScale(int step);

    /// <summary>Moves <paramref name="sample"/> (in place) one step on from the guided U-Net output.</summary>
    void Step(int step, ReadOnlySpan<float> modelOutput, Span<float> sample, GaussianNoise noise);
}
