using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Annotator.Fuzz;

/// <summary>
/// Runs saved inputs through the target outside any fuzzer and says what each did: how the crash files
/// afl-fuzz finds are triaged (exception and stack), and how tests/testdata/fuzz is checked after a fix.
/// </summary>
internal static class Replay
{
    public static unsafe int Run(IEnumerable<string> paths)
    {
        // The instrumented assemblies count branches into the fuzzer's shared memory; outside a fuzzer
        // that pointer is null, so give them a scratch map of the same size (64 KB) or the first branch faults.
        SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(64 * 1024);
        var failed = 0;
        foreach (var path in paths)
        {
            var input = File.ReadAllBytes(path);
            var clock = Stopwatch.StartNew();
            try
            {
                var outcome = UploadTarget.Inspect(input)?.ToString() ?? $"skipped: over {UploadTarget.MaxInputBytes} bytes";
                Console.WriteLine($"{path}: ok in {clock.ElapsedMilliseconds} ms ({input.Length} bytes): {outcome}");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"{path}: FAILED after {clock.ElapsedMilliseconds} ms ({input.Length} bytes)");
                Console.WriteLine(e);
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
