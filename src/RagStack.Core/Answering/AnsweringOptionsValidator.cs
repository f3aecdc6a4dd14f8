using Microsoft.Extensions.Options;

namespace RagStack.Answering;

/// <summary>Checks <c>RagStack:Answering</c> at start.</summary>
internal sealed class AnsweringOptionsValidator : IValidateOptions<AnsweringOptions>
{
    public ValidateOptionsResult Validate(string? name, AnsweringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingsCheck(AnsweringOptions.Section)
            .Require(options.RelevanceThreshold is >= -1 and <= 1, nameof(options.RelevanceThreshold), options.RelevanceThreshold, "it must be between -1 (off) and 1")
            .Require(options.ContextLength >= 256, nameof(options.ContextLength), options.ContextLength, "it must be at least 256 tokens")
            .Require(options.MinOutputTokens >= 1, nameof(options.MinOutputTokens), options.MinOutputTokens, "it must be at least 1")
            .Require(options.MaxOutputTokens >= options.MinOutputTokens, nameof(options.MaxOutputTokens), options.MaxOutputTokens, $"it must be at least MinOutputTokens ({options.MinOutputTokens})")
            .Require(options.MaxOutputTokens < options.ContextLength, nameof(options.MaxOutputTokens), options.MaxOutputTokens, $"it must be less than ContextLength ({options.ContextLength})")
            .Require(options.ExtractivePassages >= 1, nameof(options.ExtractivePassages), options.ExtractivePassages, "it must be at least 1")
            .Require(options.ContextNeighbours >= 0, nameof(options.ContextNeighbours), options.ContextNeighbours, "it may not be negative")
            .Require(options.ExtractiveSentences >= 0, nameof(options.ExtractiveSentences), options.ExtractiveSentences, "it must be 0 (whole passages) or more")
            .Require(options.ExtractiveMargin >= 0, nameof(options.ExtractiveMargin), options.ExtractiveMargin, "it may not be negative")
            .Require(options.PromptsDirectory is null || Directory.Exists(options.PromptsDirectory), nameof(options.PromptsDirectory), options.PromptsDirectory, "it names no folder; give a folder holding answer/skprompt.txt, or leave it out for the built-in prompts")
            .Result;
    }
}
