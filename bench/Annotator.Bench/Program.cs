using Annotator.Bench;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Annotator.Bench -- batch [parallel] [files...]   images/s over real photos
// dotnet run -c Release --project bench/Annotator.Bench -- [BenchmarkDotNet arguments]   per-image times
if (args is ["batch", var parallel, .. var files])
    return ThumbnailBatch.Run(int.Parse(parallel), files);
BenchmarkSwitcher.FromAssembly(typeof(ThumbnailBenchmarks).Assembly).Run(args);
return 0;
