using RagStack.Imaging.Schedulers;
using Xunit;

namespace RagStack.Imaging.Tests.Schedulers;

public sealed class LcmSchedulerTests
{
    private static LcmScheduler Four() => new(new NoiseSchedule(new SchedulerConfig()), 4);

    [Fact]
    public void Timesteps_are_taken_from_the_fifty_step_skeleton()
    {
        Assert.Equal([999, 759, 519, 279], Four().Timesteps.Select(t => (int)t));
    }

    [Fact]
    public void Last_step_is_the_boundary_condition_estimate()
    {
        var s = Four();
        var (skip, output) = s.Scalings(279);
        Assert.Equal(3.2116749781068144e-08, skip, 12);
        Assert.Equal(0.9999999839416249, output, 9);
        float[] x = [1f];
        s.Step(3, [0.5f], x, new GaussianNoise(0));
        Assert.Equal(0.8774777163391402, x[0], 5);
    }

    [Fact]
    public void A_middle_step_noises_the_estimate_to_the_next_timestep()
    {
        float[] x = [1f];
        Four().Step(0, [0.5f], x, new GaussianNoise(3));
        var n = new GaussianNoise(3).Next();
        Assert.Equal(1.677542029390866 + 0.9735435643594436 * n, x[0], 4);
    }
}
