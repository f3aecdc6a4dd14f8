using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Cli.Hosting;
using RagStack.Documents;
using RagStack.Onnx;
using RagStack.Storage;
using RagStack.Storage.Embedded;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Reindex;

/// <summary>
/// <c>ragstack reindex --index NAME --to qdrant|embedded</c>: moves an index's chunks from the store in force
/// (<c>--store</c>, else <c>RagStack:VectorStore</c>) to the other one, or into another data folder's embedded store
/// (<c>--target-data-dir</c>), with a progress bar; run again, it resumes; at the end both must hold the same number of chunks.
/// </summary>
internal sealed class ReindexCommand : AsyncCommand<ReindexCommand.Settings>
{
    internal sealed class Settings : IndexSettings
    {
        [CommandOption("--to <STORE>")]
        [Description("The store to move the index to: qdrant (RagStack:Qdrant, --qdrant-endpoint) or embedded.")]
        public string To { get; init; } = "";

        [CommandOption("--target-data-dir <DIR>")]
        [Description("For --to embedded: another data folder to build the index in (its documents and originals are copied too). Default: this data folder.")]
        public string? TargetDataDir { get; init; }

        public override ValidationResult Validate()
        {
            if (!Enum.TryParse<VectorStoreKind>(To, ignoreCase: true, out var to) || !Enum.IsDefined(to))
            {
                return ValidationResult.Error($"--to is '{To}'; it takes qdrant or embedded.");
            }

            return to == VectorStoreKind.Qdrant && TargetDataDir is not null
                ? ValidationResult.Error("--target-data-dir goes with --to embedded; a Qdrant index lives in RagStack:Qdrant.")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        var to = Enum.Parse<VectorStoreKind>(settings.To, ignoreCase: true);
        await using var sourceServices = CliServices.Build(folder);
        var sourceKind = sourceServices.GetService<EmbeddedStore>() is { } embedded && ReferenceEquals(sourceServices.GetRequiredService<IChunkStore>(), embedded.Chunks)
            ? VectorStoreKind.Embedded
            : VectorStoreKind.Qdrant;
        var targetFolder = settings.TargetDataDir is { } dir ? Path.GetFullPath(dir) : folder.Path;
        if (to == sourceKind && string.Equals(targetFolder, folder.Path, StringComparison.Ordinal))
        {
            Output.Error($"Index '{settings.Index}' is in the {sourceKind.ToString().ToLowerInvariant()} store already; name another store with --to, or another data folder with --target-data-dir.");
            return 2;
        }

        var catalog = sourceServices.GetRequiredService<IDocumentCatalog>();
        var blobs = sourceServices.GetRequiredService<IBlobStore>();
        var source = sourceServices.GetRequiredService<IChunkStore>();
        ServiceProvider? targetServices = null;
        try
        {
            IndexTransfer transfer;
            if (to == VectorStoreKind.Embedded && targetFolder == folder.Path)
            {
                // The data folder's own embedded store: open once in this process, so the source's is the target.
                transfer = new IndexTransfer(catalog, blobs, source, sourceServices.GetRequiredService<EmbeddedStore>().Chunks);
            }
            else
            {
                var targetDataFolder = to == VectorStoreKind.Embedded ? DataFolder.Open(targetFolder, folder.EmbeddingModel) : folder;
                targetServices = CliServices.Build(targetDataFolder, settings: [new(RagStackSections.VectorStore, to.ToString())]);
                var target = targetServices.GetRequiredService<IChunkStore>();
                transfer = targetDataFolder == folder
                    ? new IndexTransfer(catalog, blobs, source, target)
                    : new IndexTransfer(catalog, blobs, source, target, targetServices.GetRequiredService<IDocumentCatalog>(), targetServices.GetRequiredService<IBlobStore>());
            }

            var result = settings.Json
                ? await transfer.RunAsync(settings.Tenant, settings.Index, null, cancellationToken)
                : await RunWithProgressAsync(transfer, settings, cancellationToken);
            return Report(result, settings, sourceKind, to, targetFolder);
        }
        finally
        {
            if (targetServices is not null)
            {
                await targetServices.DisposeAsync();
            }
        }
    }

    private static async Task<TransferResult> RunWithProgressAsync(IndexTransfer transfer, Settings settings, CancellationToken cancellationToken)
    {
        TransferResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"reindex {Markup.Escape(settings.Index)}", maxValue: 1);
                var progress = new Progress<TransferProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                });
                result = await transfer.RunAsync(settings.Tenant, settings.Index, progress, cancellationToken);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static int Report(TransferResult result, Settings settings, VectorStoreKind from, VectorStoreKind to, string targetFolder)
    {
        if (settings.Json)
        {
            Output.Json(new { settings.Index, From = from, To = to, TargetDataDirectory = targetFolder, result.Documents, result.Copied, result.AlreadyThere, result.NotReady, result.SourceChunks, result.TargetChunks, result.CountsMatch });
        }
        else
        {
            AnsiConsole.MarkupLine($"Moved index [bold]{Markup.Escape(settings.Index)}[/] from {from.ToString().ToLowerInvariant()} to {to.ToString().ToLowerInvariant()}: " +
                $"{result.Documents} documents ({result.Copied} copied, {result.AlreadyThere} already there), {result.Chunks} chunks; {result.NotReady} documents not ready were left.");
            AnsiConsole.MarkupLine($"Chunk count: source {result.SourceChunks}, target {result.TargetChunks}.");
        }

        if (!result.CountsMatch)
        {
            Output.Error($"The target holds {result.TargetChunks} chunks of index '{settings.Index}' but the source {result.SourceChunks}; run reindex again to finish, or check the target for chunks written by something else.");
            return 1;
        }

        return 0;
    }
}
