using Annotator.Fuzz;
using SharpFuzz;

// One target, three ways to feed it: afl-fuzz (the default, what scripts/fuzz runs), libFuzzer through
// libfuzzer-dotnet, or a plain replay of saved inputs that prints what each one does (triage, regressions).
// libfuzzer-dotnet passes one argument only (--target_arg, here the dll), so its pipes choose libFuzzer too:
//   libfuzzer-dotnet --target_path=dotnet --target_arg=artifacts/fuzz/app/Annotator.Fuzz.dll -max_len=1048576 CORPUS
// (after scripts/fuzz has built and instrumented artifacts/fuzz/app; -max_len is UploadTarget.MaxInputBytes).
return args switch
{
    [] when UnderLibFuzzer() => LibFuzzer(),
    [] => Afl(),
    ["--libfuzzer"] => LibFuzzer(),
    ["--run", .. var files] when files.Length > 0 => Replay.Run(files),
    _ => Usage(),
};

static bool UnderLibFuzzer() => Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is not null;

static int Afl()
{
    // Out of process: a stack overflow or a timeout kills only the child, which the fork server restarts,
    // so one such input is recorded as a crash or hang instead of ending the whole run.
    Fuzzer.OutOfProcess.Run(UploadTarget.Run);
    return 0;
}

static int LibFuzzer()
{
    // Without libfuzzer-dotnet's pipes SharpFuzz would read args[1] ("--libfuzzer") as an input file.
    if (!UnderLibFuzzer())
    {
        Console.Error.WriteLine("--libfuzzer runs only under libfuzzer-dotnet; use --run FILE... to replay inputs");
        return 2;
    }
    Fuzzer.LibFuzzer.Run(UploadTarget.Run);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet Annotator.Fuzz.dll                 under afl-fuzz (input on stdin) or libfuzzer-dotnet
               dotnet Annotator.Fuzz.dll --libfuzzer     under libfuzzer-dotnet, said explicitly
               dotnet Annotator.Fuzz.dll --run FILE...   replay inputs: exit 1 if any fails
        """);
    return 2;
}
