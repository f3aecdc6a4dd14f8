using Microsoft.Extensions.Options;

namespace RagStack.Api.Ask;

/// <summary>
/// The bound queue of questions (<c>/api/ask</c> and <c>/v1/chat/completions</c>), bound from <c>RagStack:Api</c>: this
/// many are answered at once, this many more wait in line (first come, first served), and beyond that the service
/// answers 429 with <c>Retry-After</c>.
/// </summary>
public sealed class AskLimitOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Api;

    /// <summary>Questions answered at once; default 4, the generator's default number of parallel requests.</summary>
    public int MaxConcurrentAsks { get; set; } = 4;

    /// <summary>Questions that may wait for a free slot; default 16, 0 for none.</summary>
    public int AskQueueLimit { get; set; } = 16;
}

/// <summary>Checks <c>RagStack:Api</c> at start.</summary>
internal sealed class AskLimitOptionsValidator : IValidateOptions<AskLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, AskLimitOptions options) =>
        new SettingsCheck(AskLimitOptions.Section)
            .Require(options.MaxConcurrentAsks >= 1, nameof(options.MaxConcurrentAsks), options.MaxConcurrentAsks, "it must be at least 1")
            .Require(options.AskQueueLimit >= 0, nameof(options.AskQueueLimit), options.AskQueueLimit, "it must be 0 (no queue) or more")
            .Result;
}
