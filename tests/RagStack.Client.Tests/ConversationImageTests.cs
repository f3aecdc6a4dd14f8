using Microsoft.Extensions.DependencyInjection;
using RagStack.Conversations;

namespace RagStack.Client.Tests;

/// <summary>
/// <c>/image …</c> in a conversation is drawn by the service's image generator (the shipped shapes-64 model) and answered
/// with the picture, kept with the conversation.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class ConversationImageTests(ApiServer server)
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task An_image_prompt_is_answered_with_the_picture_which_the_conversation_keeps()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        var conversation = await client.CreateConversationAsync();

        var updates = await ConversationClientTests.AskAsync(client, conversation.Id, new ConversationQuestion { Question = "/image a red circle on a white background" });

        var answer = Assert.IsType<ConversationCompleted>(updates[^1]).Answer;
        Assert.Null(answer.Error);
        var image = Assert.Single(answer.Parts.OfType<ImagePart>());
        Assert.StartsWith("data:image/png;base64,", image.Uri, StringComparison.Ordinal);
        var png = Convert.FromBase64String(image.Uri["data:image/png;base64,".Length..]);
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal("a red circle on a white background", image.Alt);
        var kept = (await client.GetConversationAsync(conversation.Id))!.Messages;
        Assert.Equal(image.Uri, Assert.Single(kept[^1].Parts.OfType<ImagePart>()).Uri);
        Assert.Equal("/image a red circle on a white background", kept[0].Text);
    }

    [Fact]
    public async Task An_image_command_without_a_prompt_is_answered_with_what_to_write()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        var conversation = await client.CreateConversationAsync();

        var updates = await ConversationClientTests.AskAsync(client, conversation.Id, new ConversationQuestion { Question = "/image" });

        var answer = Assert.IsType<ConversationCompleted>(updates[^1]).Answer;
        Assert.StartsWith("Say what to draw after /image", answer.Error, StringComparison.Ordinal);
        Assert.Empty(answer.Parts.OfType<ImagePart>());
    }
}
