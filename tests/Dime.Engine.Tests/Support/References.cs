using Dime.Engine.Disentanglement;
using Dime.Engine.Imaging;
using Dime.Engine.Models;

namespace Dime.Engine.Tests.Support;

internal static class References
{
    public static ReferenceSet Of(IReadOnlyList<RgbImage> images, IReadOnlyList<string> texts, IReadOnlyList<string?>? answers = null) =>
        new(new ImageList(images, images.Select((_, i) => (string?)$"ref-{i}").ToArray()), texts, answers);

    public static Task<PreparedReference> PrepareAsync(IMultimodalModel model, ReferenceSet reference) =>
        PreparedReference.PrepareAsync(model, reference, 3, null, CancellationToken.None);
}
