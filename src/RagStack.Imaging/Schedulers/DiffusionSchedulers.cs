namespace RagStack.Imaging.Schedulers;

/// <summary>The schedulers by name, and the one a <c>scheduler_config.json</c> asks for.</summary>
internal static class DiffusionSchedulers
{
    public const string EulerAncestral = "euler-a";
    public const string Ddim = "ddim";
    public const string Lcm = "lcm";

    public static IReadOnlyList<string> Names { get; } = [EulerAncestral, Ddim, Lcm];

    public static bool IsKnown(string name) => Names.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The scheduler named (<c>euler-a</c>, <c>ddim</c>, <c>lcm</c>), else the config's own class; a class not written here
    /// (PNDM, DPM-Solver, …) is sampled with Euler ancestral over the same noise schedule.
    /// </summary>
    public static IDiffusionScheduler Create(SchedulerConfig config, string? name, int steps)
    {
        var schedule = new NoiseSchedule(config);
        name ??= config.ClassName switch
        {
            "DDIMScheduler" => Ddim,
            "LCMScheduler" => Lcm,
            _ => EulerAncestral,
        };
        return name.ToLowerInvariant() switch
        {
            Ddim => new DdimScheduler(schedule, steps),
            Lcm => new LcmScheduler(schedule, steps),
            EulerAncestral => new EulerAncestralScheduler(schedule, steps),
            _ => throw new ArgumentException($"unknown scheduler '{name}'; use one of {string.Join(", ", Names)}", nameof(name)),
        };
    }
}
