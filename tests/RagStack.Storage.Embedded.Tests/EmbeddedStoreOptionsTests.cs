namespace RagStack.Storage.Embedded.Tests;

public sealed class EmbeddedStoreOptionsTests
{
    [Fact]
    public void Defaults_with_a_data_directory_are_valid()
    {
        new EmbeddedStoreOptions { DataDirectory = "/tmp/x" }.Validate();
    }

    [Fact]
    public void Negative_or_all_zero_keyword_weights_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddedStoreOptions { DataDirectory = "x", KeywordTitleWeight = -1 }.Validate());
        Assert.Throws<ArgumentException>(() => new EmbeddedStoreOptions { DataDirectory = "x", KeywordTextWeight = 0, KeywordTitleWeight = 0 }.Validate());
    }

    [Fact]
    public void Out_of_range_search_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddedStoreOptions { DataDirectory = "x", ExactSearchThreshold = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddedStoreOptions { DataDirectory = "x", ExactSearchMaxFraction = 1.5 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddedStoreOptions { DataDirectory = "x", HnswConnectivity = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddedStoreOptions { DataDirectory = "x", PersistInterval = TimeSpan.FromSeconds(-1) }.Validate());
    }
}
