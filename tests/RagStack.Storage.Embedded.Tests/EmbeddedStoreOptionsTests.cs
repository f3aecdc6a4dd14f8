namespace RagStack.Storage.Embedded.Tests;

public sealed class EmbeddedStoreOptionsTests
{
    private static IReadOnlyList<string> Failures(EmbeddedStoreOptions options) =>
        new EmbeddedStoreOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Defaults_with_a_data_directory_are_valid()
    {
        Assert.Empty(Failures(new EmbeddedStoreOptions { DataDirectory = "/tmp/x" }));
    }

    [Fact]
    public void Negative_or_all_zero_keyword_weights_are_rejected()
    {
        Assert.Equal(["RagStack:Storage:Embedded:KeywordTitleWeight is -0.5; it may not be negative."], Failures(new EmbeddedStoreOptions { DataDirectory = "x", KeywordTitleWeight = -0.5f }));
        Assert.Equal(["RagStack:Storage:Embedded: at least one of KeywordTextWeight and KeywordTitleWeight must be positive."], Failures(new EmbeddedStoreOptions { DataDirectory = "x", KeywordTextWeight = 0, KeywordTitleWeight = 0 }));
    }

    [Theory]
    [InlineData(nameof(EmbeddedStoreOptions.ExactSearchThreshold))]
    [InlineData(nameof(EmbeddedStoreOptions.ExactSearchMaxFraction))]
    [InlineData(nameof(EmbeddedStoreOptions.HnswConnectivity))]
    [InlineData(nameof(EmbeddedStoreOptions.PersistInterval))]
    public void Out_of_range_search_settings_are_rejected_by_name(string setting)
    {
        var options = setting switch
        {
            nameof(EmbeddedStoreOptions.ExactSearchThreshold) => new EmbeddedStoreOptions { DataDirectory = "x", ExactSearchThreshold = -1 },
            nameof(EmbeddedStoreOptions.ExactSearchMaxFraction) => new EmbeddedStoreOptions { DataDirectory = "x", ExactSearchMaxFraction = 1.5 },
            nameof(EmbeddedStoreOptions.HnswConnectivity) => new EmbeddedStoreOptions { DataDirectory = "x", HnswConnectivity = 1 },
            _ => new EmbeddedStoreOptions { DataDirectory = "x", PersistInterval = TimeSpan.FromSeconds(-1) },
        };

        var failure = Assert.Single(Failures(options));

        Assert.StartsWith($"RagStack:Storage:Embedded:{setting} is ", failure, StringComparison.Ordinal);
    }
}
