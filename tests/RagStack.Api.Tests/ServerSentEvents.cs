namespace RagStack.Api.Tests;

/// <summary>One server-sent event: its name and its data lines joined by line breaks.</summary>
public sealed record ServerSentEvent(string Name, string Data);

/// <summary>Reads server-sent events line by line from a response stream, as a browser's EventSource does.</summary>
public static class ServerSentEvents
{
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream stream)
    {
        using var reader = new StreamReader(stream);
        var name = "message";
        var data = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    yield return new ServerSentEvent(name, string.Join('\n', data));
                }

                name = "message";
                data.Clear();
                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            value = value.StartsWith(' ') ? value[1..] : value;
            if (field == "event")
            {
                name = value;
            }
            else if (field == "data")
            {
                data.Add(value);
            }
        }
    }
}
