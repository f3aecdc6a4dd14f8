using Xunit;

namespace RagStack.Imaging.Tests.Storage;

public sealed class ImageStoreTests
{
    [Fact]
    public async Task The_same_bytes_get_the_same_id_and_one_file()
    {
        var dir = TestModels.TempFolder();
        var store = new ImageStore(dir);
        var png = PngEncoder.Encode(2, 1, [255, 0, 0, 0, 0, 255]);
        var a = await store.SaveAsync(png);
        var b = await store.SaveAsync(png);
        Assert.Equal(a, b);
        Assert.Single(Directory.GetFiles(dir));
        Assert.Equal(png, await store.ReadAsync(a));
        Assert.Equal(a, ImageStore.IdOf(store.UriOf(a)));
    }

    [Fact]
    public async Task Ids_that_are_not_hashes_read_nothing()
    {
        var store = new ImageStore(TestModels.TempFolder());
        Assert.Null(await store.ReadAsync("../../etc/passwd"));
        Assert.Null(await store.ReadAsync(new string('a', 64)));
    }

    [Fact]
    public void A_public_base_gives_served_addresses()
    {
        var store = new ImageStore(TestModels.TempFolder(), new Uri("http://localhost:5080/"));
        var id = new string('b', 64);
        Assert.Equal(new Uri($"http://localhost:5080/images/{id}.png"), store.UriOf(id));
    }

    [Fact]
    public void Png_round_trips_its_pixels()
    {
        byte[] rgb = [10, 20, 30, 200, 100, 50];
        var (w, h, back) = PngEncoder.Decode(PngEncoder.Encode(2, 1, rgb));
        Assert.Equal((2, 1), (w, h));
        Assert.Equal(rgb, back);
    }
}
