using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Annotator.Storage.FileSystem;

public static class FileSystemRegistration
{
    /// <summary>Objects as files in one folder, by default <c>{DataDirectory}/objects</c>.</summary>
    public static IServiceCollection AddFileSystemObjectStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FileSystemStorageOptions>().Bind(configuration.GetSection(FileSystemStorageOptions.Section))
            .PostConfigure<IOptions<AnnotatorOptions>>((o, root) =>
            {
                if (string.IsNullOrWhiteSpace(o.Root)) o.Root = Path.Combine(root.Value.DataDirectory, "objects");
            });
        services.AddSingleton<IObjectStore, FileSystemObjectStore>();
        return services;
    }
}
