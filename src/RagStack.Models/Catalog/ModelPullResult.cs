namespace RagStack.Models.Catalog;

/// <summary>The outcome of a pull: the installed model, whether it was there already, and how much of it an earlier attempt had fetched.</summary>
/// <param name="Model">The installed model.</param>
/// <param name="AlreadyInstalled">True when nothing was downloaded because the file was already in place.</param>
/// <param name="ResumedFrom">Bytes kept from an interrupted earlier download; 0 when it started from the beginning.</param>
public sealed record ModelPullResult(InstalledModel Model, bool AlreadyInstalled, long ResumedFrom);
