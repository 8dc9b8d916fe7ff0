using Amazon.CDK;
using Annotator.Aws;

var app = new App();
StackSettings settings;
try
{
    settings = StackSettings.FromContext(app.Node);
}
catch (StackSettingsException e)
{
    Console.Error.WriteLine($"annotator-aws: {e.Message}");
    return 2;
}
_ = new AnnotatorStack(app, "Annotator", settings);
app.Synth();
return 0;
