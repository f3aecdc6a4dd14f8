using Microsoft.Extensions.Options;

namespace RagStack.Onnx;

/// <summary>Checks <c>RagStack:CrossEncoder</c> at start.</summary>
internal sealed class OnnxCrossEncoderOptionsValidator : IValidateOptions<OnnxCrossEncoderOptions>
{
    public ValidateOptionsResult Validate(string? name, OnnxCrossEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingsCheck(OnnxCrossEncoderOptions.Section)
            .Require(options.MaxTokens is >= 8 and <= 8192, nameof(options.MaxTokens), options.MaxTokens, "it must be between 8 and 8192")
            .Require(options.BatchSize is >= 1 and <= 256, nameof(options.BatchSize), options.BatchSize, "it must be between 1 and 256")
            .Require(options.IntraOpThreads >= 1, nameof(options.IntraOpThreads), options.IntraOpThreads, "it must be at least 1")
            .Result;
    }
}
