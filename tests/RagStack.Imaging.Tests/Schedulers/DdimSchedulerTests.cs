using RagStack.Imaging.Schedulers;
using Xunit;

namespace RagStack.Imaging.Tests.Schedulers;

public sealed class DdimSchedulerTests
{
    // Expected values computed by hand (Python, float64) from SD 1.5's scaled-linear schedule (0.00085 → 0.012, 1000 steps).
    [Fact]
    public void Leading_spacing_with_offset_one_gives_diffusers_timesteps()
    {
        var s = new DdimScheduler(new NoiseSchedule(new SchedulerConfig { TimestepSpacing = "leading", StepsOffset = 1 }), 10);
        Assert.Equal([901, 801, 701, 601, 501, 401, 301, 201, 101, 1], s.Timesteps.Select(t => (int)t));
    }

    [Fact]
    public void First_step_moves_from_alpha_901_to_alpha_801()
    {
        var s = new DdimScheduler(new NoiseSchedule(new SchedulerConfig { StepsOffset = 1 }), 10);
        float[] x = [1f];
        s.Step(0, [0.5f], x, new GaussianNoise(0));
        Assert.Equal(1.3041597500184814, x[0], 5);
    }

    [Fact]
    public void Last_step_lands_on_alpha_zero_unless_set_alpha_to_one()
    {
        var config = new SchedulerConfig { StepsOffset = 1 };
        var s = new DdimScheduler(new NoiseSchedule(config), 10);
        float[] x = [1f];
        s.Step(9, [0.5f], x, new GaussianNoise(0));
        Assert.Equal(0.9943565783818035, x[0], 5);
        Assert.Equal(1.0, new DdimScheduler(new NoiseSchedule(config with { SetAlphaToOne = true }), 10).PreviousAlpha(9));
    }

    [Fact]
    public void Alphas_cumprod_match_the_scaled_linear_schedule()
    {
        var schedule = new NoiseSchedule(new SchedulerConfig());
        Assert.Equal(0.99915, schedule.AlphasCumprod[0], 9);
        Assert.Equal(0.004660098513077236, schedule.AlphasCumprod[999], 9);
    }
}
