using RagStack.Imaging.Schedulers;
using Xunit;

namespace RagStack.Imaging.Tests.Schedulers;

public sealed class EulerAncestralSchedulerTests
{
    private static EulerAncestralScheduler Trailing4() =>
        new(new NoiseSchedule(new SchedulerConfig { TimestepSpacing = "trailing" }), 4);

    [Fact]
    public void Trailing_spacing_starts_at_the_last_training_timestep()
    {
        Assert.Equal([999, 749, 499, 249], Trailing4().Timesteps.Select(t => (int)t));
    }

    [Fact]
    public void Sigmas_and_initial_noise_follow_the_schedule()
    {
        var s = Trailing4();
        Assert.Equal(14.614641229333643, s.Sigmas[0], 4);
        Assert.Equal(0.6932048996386885, s.Sigmas[3], 5);
        Assert.Equal(0.0, s.Sigmas[4]);
        Assert.Equal(14.614641229333643, s.InitNoiseSigma, 3);
        Assert.Equal(0.8218469527382358, s.InputScale(3), 5);
        var leading = new EulerAncestralScheduler(new NoiseSchedule(new SchedulerConfig { TimestepSpacing = "leading" }), 4);
        Assert.Equal(Math.Sqrt(leading.Sigmas[0] * leading.Sigmas[0] + 1), leading.InitNoiseSigma, 3);
    }

    [Fact]
    public void Last_step_returns_the_clean_estimate()
    {
        float[] x = [1f];
        Trailing4().Step(3, [0.5f], x, new GaussianNoise(0));
        Assert.Equal(0.6533975501806557, x[0], 5);
    }

    [Fact]
    public void A_middle_step_is_an_euler_step_to_sigma_down_plus_noise_of_sigma_up()
    {
        float[] x = [1f];
        Trailing4().Step(0, [0.5f], x, new GaussianNoise(7));
        var n = new GaussianNoise(7).Next();
        Assert.Equal(-5.737326649804746 + 3.9193037798533172 * n, x[0], 4);
    }
}
