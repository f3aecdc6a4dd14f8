extern alias web;
using Microsoft.Extensions.Options;
using web::RagStack.Web.Documents;
using web::RagStack.Web.Hosting;

namespace RagStack.Web.Tests;

/// <summary>RagStack:Web is checked at start by name, and the portal refuses what the API would, before sending it.</summary>
public sealed class WebSettingsTests
{
    [Fact]
    public void Bad_settings_are_refused_naming_each_setting_and_the_reason()
    {
        var options = new WebAppOptions { ApiUrl = new Uri("ftp://x/"), MaxUploadBytes = 0, DefaultIndex = "bad name!", AllowedExtensions = ["pdf"] };

        var result = new WebAppOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("RagStack:Web:ApiUrl 'ftp://x/' must be an absolute http(s) URL", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RagStack:Web:MaxUploadBytes '0' must be positive", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RagStack:Web:DefaultIndex 'bad name!' is not a valid index name", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RagStack:Web:AllowedExtensions", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new WebAppOptionsValidator().Validate(null, new WebAppOptions()).Succeeded);
    }

    [Fact]
    public void The_web_section_is_a_known_ragstack_section_so_a_shared_ragstack_json_may_hold_it()
    {
        Assert.Contains(WebAppOptions.Section, RagStackSections.All);
    }

    [Theory]
    [InlineData("notes.zip", 10, ".zip files are not ingested")]
    [InlineData("README", 10, "Files without an extension are not ingested")]
    [InlineData("big.pdf", 2048, "The file is 2.0 KB, over the 1.0 KB limit.")]
    [InlineData("empty.md", 0, "The file is empty.")]
    [InlineData("Lease.PDF", 1024, null)]
    public void The_upload_policy_says_why_a_file_is_refused(string name, long size, string? reason)
    {
        var policy = new UploadPolicy(Options.Create(new WebAppOptions { MaxUploadBytes = 1024 }));

        var refusal = policy.Refusal(name, size);

        if (reason is null)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.StartsWith(reason, refusal, StringComparison.Ordinal);
        }
    }
}
