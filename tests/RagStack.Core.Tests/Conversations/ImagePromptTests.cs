using RagStack.Conversations;
using Xunit;

namespace RagStack.Core.Tests.Conversations;

public sealed class ImagePromptTests
{
    [Theory]
    [InlineData("/image a red circle", "a red circle")]
    [InlineData("  /IMAGE   a green square on a yellow background ", "a green square on a yellow background")]
    [InlineData("/image", "")]
    [InlineData("/image\ta star", "a star")]
    public void A_question_that_starts_with_the_image_command_is_a_drawing_prompt(string question, string prompt) =>
        Assert.Equal(prompt, ConversationService.ImagePrompt(question));

    [Theory]
    [InlineData("/images of the lease")]
    [InlineData("what is /image for?")]
    [InlineData("How much notice ends the lease?")]
    public void Any_other_question_is_answered_from_the_documents(string question) =>
        Assert.Null(ConversationService.ImagePrompt(question));
}
