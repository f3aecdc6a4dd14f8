using RagStack.Cli.Adapters;
using RagStack.Cli.Ask;
using RagStack.Cli.Bench;
using RagStack.Cli.Bench.Api;
using RagStack.Cli.Bench.Images;
using RagStack.Cli.Bench.Inference;
using RagStack.Cli.Docs;
using RagStack.Cli.Domains;
using RagStack.Cli.Evaluation;
using RagStack.Cli.Hosting;
using RagStack.Cli.Images;
using RagStack.Cli.Ingest;
using RagStack.Cli.Models;
using RagStack.Cli.Reindex;
using RagStack.Cli.Search;
using Spectre.Console;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("ragstack");
    config.SetInterceptor(new CommandLineSettings());
    // Invalid settings (ragstack.json, the environment) are one line naming the file, the setting and the reason.
    config.SetExceptionHandler((e, _) =>
    {
        if (e is CliSettingsException || e.InnerException is CliSettingsException)
        {
            Output.Error((e as CliSettingsException ?? e.InnerException!).Message);
            return 1;
        }

        if (e is CommandAppException)
        {
            AnsiConsole.MarkupLine($"[red]Error:[/] {Markup.Escape(e.Message)}");
            return -1;
        }

        AnsiConsole.WriteException(e, ExceptionFormats.ShortenEverything);
        return -1;
    });
    config.AddCommand<IngestCommand>("ingest")
        .WithDescription("Ingest files, folders or globs into an index.")
        .WithExample("ingest", "corpora/genai-engineering", "--index", "genai");
    config.AddCommand<SearchCommand>("search")
        .WithDescription("Search an index; prints the best chunks with citations.")
        .WithExample("search", "\"how many parameters does LoRA train\"", "--index", "genai");
    config.AddCommand<AskCommand>("ask")
        .WithDescription("Answer a question from an index, with cited sources; without a generator model, the best passages.")
        .WithExample("ask", "\"how many parameters does LoRA train\"", "--index", "genai");
    config.AddCommand<ReindexCommand>("reindex")
        .WithDescription("Move an index to another store (qdrant or embedded, or another data folder), resumably, checking the chunk counts at the end.")
        .WithExample("reindex", "--index", "genai", "--to", "qdrant", "--qdrant-endpoint", "http://localhost:6334");
    config.AddCommand<ImageCommand>("image")
        .WithDescription("Draw a picture offline with the local diffusion model (the shipped shapes-64 model, or --model).")
        .WithExample("image", "\"a green square on a yellow background\"", "--out", "square.png");
    config.AddBranch("docs", docs =>
    {
        docs.SetDescription("List, show and delete documents.");
        docs.AddCommand<DocsListCommand>("list").WithDescription("List documents and their status.");
        docs.AddCommand<DocsShowCommand>("show").WithDescription("Show a document's status and chunks.");
        docs.AddCommand<DocsDeleteCommand>("delete").WithDescription("Delete a document everywhere.");
    });
    config.AddBranch("domains", domains =>
    {
        domains.SetDescription("Domains: an index, a LoRA adapter and a system prompt per kind of question (ragstack.json in the data folder).");
        domains.AddCommand<DomainsListCommand>("list").WithDescription("List the configured domains.");
        domains.AddCommand<DomainsSetCommand>("set").WithDescription("Add a domain or change its settings.")
            .WithExample("domains", "set", "legal", "--index", "contracts", "--adapter", "legal-lora.gguf", "--scale", "0.8");
        domains.AddCommand<DomainsRemoveCommand>("remove").WithDescription("Remove a domain.");
    });
    config.AddBranch<EvalQuestionsCommand.Settings>("eval", eval =>
    {
        eval.SetDescription("Measure retrieval quality: on a question file (--questions), or on BEIR SciFact (scifact).");
        eval.SetDefaultCommand<EvalQuestionsCommand>();
        eval.AddCommand<SciFactCommand>("scifact").WithDescription("nDCG@10 on BEIR SciFact beside published figures.");
        eval.AddCommand<EvalSuiteCommand>("suite").WithDescription("The paraphrase set, genai-engineering and SciFact side by side, previous defaults beside current ones.");
    });
    config.AddBranch("bench", bench =>
    {
        bench.SetDescription("Measure speed; prints our figures beside the reference.");
        bench.AddCommand<SearchBenchCommand>("search").WithDescription("Hybrid search latency and HNSW recall over a large synthetic index.");
        bench.AddCommand<ApiBenchCommand>("api").WithDescription("A running RagStack service over HTTP: streamed time to first token, answers/s, 429s and latency under load; one column per --url.")
            .WithExample("bench", "api", "--url", "http://127.0.0.1:5180", "--label", "api", "--url", "http://127.0.0.1:5280", "--label", "apphost");
        bench.AddCommand<IngestBenchCommand>("ingest").WithDescription("Ingestion throughput against the raw embedding call on the same chunks.");
        bench.AddCommand<QuantizationBenchCommand>("quantization").WithDescription("F32 → F16/Q8_0/Q4_K_M…: size, memory, speed and KL divergence against F32, beside the usual claims.");
        bench.AddCommand<ImagesBenchCommand>("images").WithDescription("Image generation: prompt adherence measured from pixels, and speed beside a raw ONNX Runtime loop.");
        bench.AddCommand<InferenceBenchCommand>("inference").WithDescription("The inference ladder (no cache → KV cache → batching → prefix reuse → speculative) beside raw llama.cpp loops.");
    });
    config.AddBranch("models", models =>
    {
        models.SetDescription("Inspect, quantize, list and download GGUF models.");
        models.AddCommand<ModelsPullCommand>("pull").WithDescription("Download a generator model by catalogue name or URL; resumes and verifies.")
            .WithExample("models", "pull", "qwen2.5-0.5b-instruct", "--use");
        models.AddCommand<ModelsListCommand>("list").WithDescription("List the catalogue and the installed models.");
        models.AddCommand<ModelsUseCommand>("use").WithDescription("Choose the default model for ask.");
        models.AddCommand<ModelsInspectCommand>("inspect")
            .WithDescription("Show a GGUF model's architecture, size, quantization, tokenizer and chat template.");
        models.AddCommand<ModelsQuantizeCommand>("quantize")
            .WithDescription("Quantize a GGUF model with llama.cpp (Q8_0, Q4_K_M, …).");
        models.AddCommand<ModelsTokenizeCommand>("tokenize").WithDescription("Tokenize a corpus (JSON lines or text) through llama.cpp into a uint16 token file for training.");
        models.AddCommand<ModelsImportHfCommand>("import-hf").WithDescription("Convert a Hugging Face LlamaForCausalLM folder to a GGUF model (tokenizer from a vocabulary GGUF).");
        models.AddCommand<ModelsExportHfCommand>("export-hf").WithDescription("Export a llama GGUF model to Hugging Face's layout (config.json + model.safetensors) for PEFT training.");
    });
    config.AddBranch("adapters", adapters =>
    {
        adapters.SetDescription("Import, train and evaluate LoRA adapters.");
        adapters.AddCommand<AdaptersImportCommand>("import").WithDescription("Convert a Hugging Face PEFT LoRA adapter to the GGUF LoRA llama.cpp loads, checked against the base model.")
            .WithExample("adapters", "import", "--peft", "out/peft-adapter", "--base", "stories260K.gguf", "--out", "harbour.gguf");
        adapters.AddCommand<AdaptersEvalCommand>("eval").WithDescription("Perplexity of a held-out text with and without an adapter, through llama.cpp.")
            .WithExample("adapters", "eval", "--base", "stories260K.gguf", "--adapter", "harbour.gguf", "--text", "corpora/harbour-tales/heldout/heldout.txt");
        adapters.AddCommand<AdaptersTrainCommand>("train").WithDescription("Train a LoRA adapter on an index's text with the .NET trainer (small models).");
        adapters.AddCommand<AdaptersDatasetCommand>("dataset").WithDescription("Write an index's text as token ids (JSON lines) for the PEFT training script.");
    });
});
return await app.RunAsync(args);
