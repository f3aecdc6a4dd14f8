namespace RagStack.Imaging.Tests;

internal static class TestModels
{
    /// <summary>The committed random-weight fixture (int64 ids and timestep, float16 VAE decoder).</summary>
    public static string TinySd => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-sd");

    /// <summary>The trained model shipped beside every app that references RagStack.Imaging.</summary>
    public static string Shapes64 => Path.Combine(AppContext.BaseDirectory, "models", "shapes-64");

    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ragstack-imaging-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
