using Microsoft.Extensions.Options;

namespace RagStack.Storage.Embedded;

/// <summary>Checks <c>RagStack:Storage:Embedded</c> (and the data folder) at start.</summary>
internal sealed class EmbeddedStoreOptionsValidator : IValidateOptions<EmbeddedStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, EmbeddedStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingsCheck(EmbeddedStoreOptions.Section)
            .Require(!string.IsNullOrWhiteSpace(options.DataDirectory), nameof(options.DataDirectory), options.DataDirectory, "set RagStack:DataDirectory to the folder that holds ragstack.db")
            .Require(options.ExactSearchThreshold >= 0, nameof(options.ExactSearchThreshold), options.ExactSearchThreshold, "it may not be negative")
            .Require(options.ExactSearchMaxFraction is >= 0 and <= 1, nameof(options.ExactSearchMaxFraction), options.ExactSearchMaxFraction, "it must be between 0 and 1")
            .Require(options.KeywordTextWeight >= 0, nameof(options.KeywordTextWeight), options.KeywordTextWeight, "it may not be negative")
            .Require(options.KeywordTitleWeight >= 0, nameof(options.KeywordTitleWeight), options.KeywordTitleWeight, "it may not be negative")
            .Require(options.KeywordTextWeight + options.KeywordTitleWeight > 0, "at least one of KeywordTextWeight and KeywordTitleWeight must be positive.")
            .Require(options.Bm25K1 >= 0, nameof(options.Bm25K1), options.Bm25K1, "it may not be negative")
            .Require(options.Bm25B is >= 0 and <= 1, nameof(options.Bm25B), options.Bm25B, "it must be between 0 and 1")
            .Require(options.HnswConnectivity >= 2, nameof(options.HnswConnectivity), options.HnswConnectivity, "it must be at least 2")
            .Require(options.HnswExpansionAdd >= 1, nameof(options.HnswExpansionAdd), options.HnswExpansionAdd, "it must be at least 1")
            .Require(options.HnswExpansionSearch >= 1, nameof(options.HnswExpansionSearch), options.HnswExpansionSearch, "it must be at least 1")
            .Require(options.PersistInterval >= TimeSpan.Zero, nameof(options.PersistInterval), options.PersistInterval, "it may not be negative")
            .Result;
    }
}
