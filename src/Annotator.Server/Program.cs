using Annotator.Server;
using Annotator.Thumbnails;

MallocTuning.Apply();

// --migrate: bring the catalog's schema up to date and exit, for deployments that migrate before they roll out.
var migrateOnly = args.Contains("--migrate");
args = [.. args.Where(a => a != "--migrate")];

// appsettings.json is read from beside the program, wherever it is started from (a relative
// DataDirectory still means the current folder).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--role"] = "Annotator:Role" });
try
{
    builder.AddAnnotatorServer();
}
catch (UnknownBackendException e)
{
    Console.Error.WriteLine($"annotator: invalid configuration: {e.Message}");
    return 2;
}

var app = builder.Build();
if (!await StartupErrors.CheckAsync(app)) return 2;
if (migrateOnly) return 0;
app.UseAnnotatorServer();
try
{
    await app.RunAsync();
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    Console.Error.WriteLine($"annotator: cannot listen: {e.Message}");
    return 2;
}
return 0;
