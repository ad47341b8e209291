using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

// The engine's program: runs the entry point (build/Program.cs) of the pipeline assembly published beside it, which
// ./build.sh replaces on its own when only build/ changed.
return PipelineHost.Run(args);

/// <summary>Loads and runs DataBuild.Pipelines.dll, and checks a newly compiled one against this program.</summary>
internal static class PipelineHost
{
    private const string AssemblyName = "DataBuild.Pipelines";

    public static int Run(string[] args)
    {
        DataBuild.Diagnostics.Timings.Mark("host"); // DATABUILD_TIMINGS: the runtime has started; "main" is the pipelines entered
        Assembly pipelines;
        try
        {
            pipelines = Assembly.Load(AssemblyName);
        }
        catch (Exception e) when (e is FileNotFoundException or BadImageFormatException or FileLoadException)
        {
            return Broken($"the pipeline assembly {AssemblyName}.dll next to {AppContext.BaseDirectory} cannot be loaded ({e.Message})");
        }
        if (Environment.GetEnvironmentVariable("DATABUILD_CHECK_PIPELINES") == "1") return Check(pipelines);
        var entry = pipelines.EntryPoint;
        if (entry is null) return Broken($"{AssemblyName}.dll has no entry point (build/Program.cs)");
        try
        {
            var result = entry.Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, entry.GetParameters().Length == 0 ? [] : [args], culture: null);
            return result is int code ? code : 0;
        }
        catch (Exception e) when (e is MissingMemberException or TypeLoadException || e is FileNotFoundException { FileName: { } f } && f.Contains("Version=", StringComparison.Ordinal))
        {
            // Pipelines compiled against another engine than this one (a program directory changed by hand).
            return Broken($"the pipelines ({AssemblyName}.dll) do not match this program: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Compiles every method of the pipelines now, so that a call into something this program does not have (the
    /// framework it was published with is trimmed to what the engine and the pipelines used then) shows here, before
    /// the assembly is swapped in, and not in the middle of a build. Exit 3 names the first ones missing.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The pipeline assembly is never trimmed (Host.csproj: TrimMode partial trims only the framework).")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "The same: its types keep all their methods.")]
    [UnconditionalSuppressMessage("Trimming", "IL2065", Justification = "The same.")]
    private static int Check(Assembly pipelines)
    {
        var missing = new List<string>();
        Type[] types;
        try
        {
            types = pipelines.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            foreach (var error in e.LoaderExceptions) if (error is not null) missing.Add(error.Message);
            types = [.. e.Types.OfType<Type>()];
        }
        foreach (var type in types)
        {
            if (type.ContainsGenericParameters) continue; // compiled per instantiation, when used
            const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                if (method.IsAbstract || method.ContainsGenericParameters || method.GetMethodBody() is null) continue;
                try
                {
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }
                catch (Exception e) when (e is MissingMemberException or TypeLoadException or FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    missing.Add($"{type.FullName}.{method.Name}: {e.Message}");
                }
            }
        }
        if (missing.Count == 0) return 0;
        foreach (var m in missing.Distinct().Take(5)) Console.Error.WriteLine($"  {m}");
        Console.Error.WriteLine("The pipelines use code this program was not published with.");
        return 3;
    }

    private static int Broken(string what)
    {
        var stamp = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "obj", ".databuild-stamp"));
        Console.Error.WriteLine($"error: {what}. To compile it again: rm {stamp}, then run ./build.sh again.");
        return 2;
    }
}
