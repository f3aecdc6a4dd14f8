using RagStack.Answering;
using Xunit;

namespace RagStack.Core.Tests.Answering;

public sealed class PromptFolderTests
{
    [Fact]
    public void The_repositorys_prompts_are_found_walking_up_from_the_executable()
    {
        var found = PromptFolder.Find();

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "RagStack.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        Assert.Equal(Path.Combine(root.FullName, "prompts"), found);
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
