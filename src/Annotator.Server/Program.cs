using Annotator;
using Annotator.Server;
using Annotator.Thumbnails;

MallocTuning.Apply();

// appsettings.json is read from beside the program, wherever it is started from (a relative
// DataDirectory still means the current folder).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--role"] = "Annotator:Role" });
builder.AddAnnotatorServer();

var app = builder.Build();
if (!StartupErrors.Check(app)) return 2;
app.UseAnnotatorServer();
await app.RunAsync();
return 0;
