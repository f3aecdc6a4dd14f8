using RagStack.Answering;
using RagStack.Testing;
using Xunit;

namespace RagStack.Core.Tests.Answering;

public sealed class PromptFolderTests
{
    [Fact]
    public void The_repositorys_prompts_are_found_walking_up_from_the_executable()
    {
        var found = PromptFolder.Find();

        Assert.Equal(Path.Combine(RepositoryFolders.Root, "prompts"), found);
    }

    [Fact]
    public void Outside_a_repository_there_is_none_and_the_embedded_prompts_are_used()
    {
        var folder = Directory.CreateTempSubdirectory("ragstack-no-prompts-");
        try
        {
            Assert.Null(PromptFolder.Find(folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
