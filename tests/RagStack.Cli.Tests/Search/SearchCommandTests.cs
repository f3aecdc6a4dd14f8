namespace RagStack.Cli.Tests.Search;

/// <summary>What the CLI reads from its command line is held to the API's rules: modes by name, index names by one rule.</summary>
public sealed class SearchCommandTests
{
    [Theory]
    [InlineData("dense,keyword")]
    [InlineData("hybrid,dense")]
    [InlineData("1")]
    public async Task A_mode_that_is_not_one_of_its_names_is_refused_naming_the_modes(string mode)
    {
        using var cli = new CliProcess();

        var (exitCode, output, error) = await cli.RunAsync("search", "tomatoes", "--mode", mode);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--mode must be one of hybrid, dense, keyword", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("search", "tomatoes")]
    [InlineData("ask", "How are tomatoes watered?")]
    [InlineData("docs", "list")]
    public async Task An_index_name_the_api_would_refuse_is_refused_before_anything_is_read(string command, string argument)
    {
        using var cli = new CliProcess();

        var (exitCode, output, error) = await cli.RunAsync(command, argument, "--index", "../x");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("an index name is 1 to 64 letters", output + error, StringComparison.Ordinal);
    }
}
