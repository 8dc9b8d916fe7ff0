using Annotator.Captioning;
using Annotator.Captioning.Offline;
using Annotator.Processing;
using Annotator.Thumbnails;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Thumbnails;

public static class VipsRegistration
{
    /// <summary>
    /// Pixels with libvips: thumbnails and captioners' images (<see cref="IThumbnailer"/>), the offline describer as the
    /// first caption provider (register before the model providers, so it lists first), on low-priority threads.
    /// </summary>
    public static IServiceCollection AddVipsImaging(this IServiceCollection services)
    {
        services.AddSingleton<LowPriorityThreads>();
        services.AddSingleton<IThumbnailer, VipsThumbnailer>();
        services.AddSingleton<OfflineDescriber>();
        services.AddSingleton<ICaptionProvider, OfflineProvider>();
        return services;
    }
}
