using Microsoft.Extensions.Options;

namespace RagStack.LlamaSharp;

/// <summary>Checks <c>RagStack:Generator</c> at start: the model and draft files exist and every number is in range.</summary>
internal sealed class LlamaModelOptionsValidator : IValidateOptions<LlamaModelOptions>
{
    public ValidateOptionsResult Validate(string? name, LlamaModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingsCheck(LlamaModelOptions.Section)
            .Require(!string.IsNullOrWhiteSpace(options.ModelPath), nameof(options.ModelPath), options.ModelPath, "give the path of a GGUF model file")
            .Require(string.IsNullOrWhiteSpace(options.ModelPath) || File.Exists(options.ModelPath), nameof(options.ModelPath), options.ModelPath, "no such file; give the path of a GGUF model file")
            .Require(options.ContextLength >= 0, nameof(options.ContextLength), options.ContextLength, "it must be 0 (the model's own window) or a number of tokens")
            .Require(options.MaxParallelRequests is >= 1 and <= 64, nameof(options.MaxParallelRequests), options.MaxParallelRequests, "it must be between 1 and 64")
            .Require(options.PrefixCacheEntries is >= 0 and <= 64, nameof(options.PrefixCacheEntries), options.PrefixCacheEntries, "it must be between 0 and 64")
            .Require(options.Threads >= 0, nameof(options.Threads), options.Threads, "it must be 0 (every core) or positive")
            .Require(options.BatchSize is >= 16 and <= 8192, nameof(options.BatchSize), options.BatchSize, "it must be between 16 and 8192")
            .Require(options.DraftTokens is >= 1 and <= 32, nameof(options.DraftTokens), options.DraftTokens, "it must be between 1 and 32")
            .Require(options.DraftModelPath is null || File.Exists(options.DraftModelPath), nameof(options.DraftModelPath), options.DraftModelPath, "no such file; give a GGUF model with the same vocabulary, or leave it out")
            .Require(options.DefaultTemperature is >= 0 and <= 5, nameof(options.DefaultTemperature), options.DefaultTemperature, "it must be between 0 and 5")
            .Result;
    }
}
