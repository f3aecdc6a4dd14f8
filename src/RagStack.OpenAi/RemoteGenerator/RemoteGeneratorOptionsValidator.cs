using Microsoft.Extensions.Options;

namespace RagStack.OpenAi.RemoteGenerator;

/// <summary>Checks <c>RagStack:RemoteGenerator</c> at start.</summary>
internal sealed class RemoteGeneratorOptionsValidator : IValidateOptions<RemoteGeneratorOptions>
{
    public ValidateOptionsResult Validate(string? name, RemoteGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingsCheck(RemoteGeneratorOptions.Section)
            .Require(options.EndpointUri is not null, nameof(options.Endpoint), options.Endpoint, "give the server's OpenAI base URL, e.g. http://localhost:5080/v1")
            .Require(!string.IsNullOrWhiteSpace(options.Model), nameof(options.Model), options.Model, "name the model to request from the server (the model host's base model id)")
            .Require(options.Model is null || !options.Model.Contains(AdapterModelIds.Separator, StringComparison.Ordinal), nameof(options.Model), options.Model, $"it may not contain '{AdapterModelIds.Separator}', which separates the model from a domain's adapter")
            .Result;
    }
}
