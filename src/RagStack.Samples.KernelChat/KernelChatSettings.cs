namespace RagStack.Samples.KernelChat;

/// <summary>
/// What the sample talks to: the RagStack API (<c>--api</c>, <c>--api-key</c>), the question (<c>--question</c>), and
/// optionally an OpenAI-compatible chat server for the function-calling loop (<c>--chat-endpoint</c> ending in
/// <c>/v1</c>, <c>--chat-model</c>, <c>--chat-key</c>): the model host, llama.cpp's server, vLLM, OpenAI.
/// </summary>
public sealed record KernelChatSettings(Uri Api, string? ApiKey, string Question, Uri? ChatEndpoint, string ChatModel, string? ChatKey)
{
    /// <summary>Reads the settings from <c>--name value</c> pairs; an unknown or valueless option is refused by name.</summary>
    public static KernelChatSettings Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] known = ["--api", "--api-key", "--question", "--chat-endpoint", "--chat-model", "--chat-key"];
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!known.Contains(args[i]))
            {
                throw new ArgumentException($"Unknown option '{args[i]}'; the options are {string.Join(", ", known)}.", nameof(args));
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Option '{args[i]}' needs a value.", nameof(args));
            }

            values[args[i]] = args[i + 1];
        }

        return new KernelChatSettings(
            Uri(values.GetValueOrDefault("--api", "http://localhost:5000"), "--api"),
            values.GetValueOrDefault("--api-key"),
            values.GetValueOrDefault("--question", "What do my documents say about ending the lease?"),
            values.TryGetValue("--chat-endpoint", out var chat) ? Uri(chat, "--chat-endpoint") : null,
            values.GetValueOrDefault("--chat-model", "default"),
            values.GetValueOrDefault("--chat-key"));
    }

    private static Uri Uri(string value, string option) =>
        System.Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"{option} '{value}' is not an absolute URI, e.g. http://localhost:5000.", nameof(value));
}
