using RagStack.Documents;

namespace RagStack.Api.Documents;

/// <summary>Limits of document uploads, bound from <c>RagStack:Uploads</c>.</summary>
public sealed class UploadOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Uploads;

    /// <summary>Largest file accepted, in bytes (default 64 MiB, the extraction limit).</summary>
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest upload request, all files together, in bytes (default 256 MiB).</summary>
    public long MaxRequestBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Most files in one upload request (default 100).</summary>
    public int MaxFiles { get; set; } = 100;

    /// <summary>
    /// A folder ingested into <see cref="SeedIndex"/> when the service starts and the local tenant has no document in
    /// that index (the sample corpus on first start); null for none. Honours the folder's <c>.ragstackignore</c>.
    /// </summary>
    public string? SeedFolder { get; set; }

    /// <summary>The index <see cref="SeedFolder"/> goes into (default <c>default</c>).</summary>
    public string SeedIndex { get; set; } = "default";
}

/// <summary>Checks <c>RagStack:Uploads</c> at start.</summary>
internal sealed class UploadOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<UploadOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, UploadOptions options) =>
        new SettingsCheck(UploadOptions.Section)
            .Require(options.MaxFileBytes > 0, nameof(options.MaxFileBytes), options.MaxFileBytes, "it must be positive")
            .Require(options.MaxFiles > 0, nameof(options.MaxFiles), options.MaxFiles, "it must be positive")
            .Require(options.MaxRequestBytes >= options.MaxFileBytes, nameof(options.MaxRequestBytes), options.MaxRequestBytes, $"it must be at least MaxFileBytes ({options.MaxFileBytes})")
            .Require(IndexName.IsValid(options.SeedIndex), nameof(options.SeedIndex), options.SeedIndex, $"it is not a valid index name; {IndexName.Rule}")
            .Result;
}
