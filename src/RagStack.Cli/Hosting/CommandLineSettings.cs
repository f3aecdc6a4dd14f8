using Spectre.Console.Cli;

namespace RagStack.Cli.Hosting;

/// <summary>Hands the store options every command takes (<c>--store</c>, <c>--qdrant-endpoint</c>) to the CLI's configuration.</summary>
internal sealed class CommandLineSettings : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        if (settings is CliSettings cli)
        {
            CliConfiguration.CommandLine = cli.StoreSettings().ToList();
        }
    }
}
