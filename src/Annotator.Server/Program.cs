using Annotator;
using Annotator.Server;
using Annotator.Thumbnails;

MallocTuning.Apply();

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--role"] = "Annotator:Role" });
builder.AddAnnotatorServer();

var app = builder.Build();
if (!StartupErrors.Check(app)) return 2;
app.UseAnnotatorServer();
await app.RunAsync();
return 0;
