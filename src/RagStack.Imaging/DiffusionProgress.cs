namespace RagStack.Imaging;

/// <summary>How far one image's denoising has got: <see cref="Step"/> of <see cref="Steps"/> done, for image <see cref="Image"/> of <see cref="Images"/>.</summary>
public sealed record DiffusionProgress(int Image, int Images, int Step, int Steps);
