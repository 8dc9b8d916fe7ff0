using System.Reflection;
using System.Runtime.Loader;

// Usage: Annotator.Lambda.Invoker <published folder> <Assembly::Namespace.Class::Method>  (event on stdin, answer on stdout)
// What Lambda's managed .NET runtime does with a class-library handler: load the assembly with the dependencies its
// deps.json names (managed and native, libvips among them), construct the class once (the init phase), and call the
// method with the event as a Stream. A handler that throws is an invocation error: its message on stderr, exit code 1.
if (args.Length != 2 || args[1].Split("::") is not [var assemblyName, var typeName, var methodName])
{
    Console.Error.WriteLine("usage: Annotator.Lambda.Invoker <published folder> <Assembly::Namespace.Class::Method>");
    return 2;
}
var context = new FunctionLoadContext(Path.Combine(Path.GetFullPath(args[0]), assemblyName + ".dll"));
var type = context.LoadFromAssemblyName(new AssemblyName(assemblyName)).GetType(typeName, throwOnError: true)!;
var method = type.GetMethod(methodName, [typeof(Stream)]) ?? throw new MissingMethodException(typeName, methodName);
object handler;
try
{
    handler = Activator.CreateInstance(type)!;
}
catch (TargetInvocationException e)
{
    Console.Error.WriteLine($"init failed: {e.InnerException?.GetType().Name}: {e.InnerException?.Message}");
    return 3;
}
var input = new MemoryStream();
await Console.OpenStandardInput().CopyToAsync(input);
input.Position = 0;
try
{
    var result = method.Invoke(handler, [input]);
    var output = result is Task<Stream> task ? await task : (Stream)result!;
    await using var stdout = Console.OpenStandardOutput();
    await output.CopyToAsync(stdout);
    return 0;
}
catch (Exception e)
{
    var error = (e as TargetInvocationException)?.InnerException ?? e;
    Console.Error.WriteLine($"invocation failed: {error.GetType().Name}: {error.Message}");
    return 1;
}

/// <summary>The function's own assemblies and native libraries, resolved from its deps.json as the runtime does.</summary>
sealed class FunctionLoadContext(string mainAssembly) : AssemblyLoadContext("function")
{
    private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

    protected override Assembly? Load(AssemblyName name) =>
        _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;

    protected override IntPtr LoadUnmanagedDll(string name) =>
        _resolver.ResolveUnmanagedDllToPath(name) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
