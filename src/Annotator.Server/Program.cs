using Annotator;
using Annotator.Server;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--role"] = "Annotator:Role" });
builder.AddAnnotatorServer();

var app = builder.Build();
app.UseAnnotatorServer();
return await StartupErrors.RunAsync(app);
