using Microsoft.Extensions.Options;

namespace RagStack.Retrieval;

/// <summary>Checks <c>RagStack:Retrieval</c> at start.</summary>
internal sealed class RetrievalOptionsValidator : IValidateOptions<RetrievalOptions>
{
    public ValidateOptionsResult Validate(string? name, RetrievalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingsCheck(RetrievalOptions.Section)
            .Require(options.Candidates >= 1, nameof(options.Candidates), options.Candidates, "it must be at least 1")
            .Require(options.DenseWeight >= 0, nameof(options.DenseWeight), options.DenseWeight, "it may not be negative")
            .Require(options.KeywordWeight >= 0, nameof(options.KeywordWeight), options.KeywordWeight, "it may not be negative")
            .Require(options.DenseWeight + options.KeywordWeight > 0, "at least one of DenseWeight and KeywordWeight must be positive.")
            .Require(Enum.IsDefined(options.Fusion), nameof(options.Fusion), options.Fusion, $"it must be one of {RagStack.Input.DefinedNames.List<FusionMethod>()}")
            .Require(options.FusionK >= 0, nameof(options.FusionK), options.FusionK, "it may not be negative")
            .Require(options.AdaptiveExponent >= 0, nameof(options.AdaptiveExponent), options.AdaptiveExponent, "it may not be negative")
            .Require(options.EvidenceFloor is >= 0 and <= 1, nameof(options.EvidenceFloor), options.EvidenceFloor, "it must be between 0 and 1")
            .Require(options.EvidenceCeiling is >= 0 and <= 1, nameof(options.EvidenceCeiling), options.EvidenceCeiling, "it must be between 0 and 1")
            .Require(options.EvidenceFloor <= options.EvidenceCeiling, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"EvidenceFloor ({options.EvidenceFloor}) may not be above EvidenceCeiling ({options.EvidenceCeiling})."))
            .Require(Enum.IsDefined(options.Rerank), nameof(options.Rerank), options.Rerank, $"it must be one of {RagStack.Input.DefinedNames.List<RerankMethod>()}")
            .Require(options.RerankCandidates >= 1, nameof(options.RerankCandidates), options.RerankCandidates, "it must be at least 1")
            .Result;
    }
}
