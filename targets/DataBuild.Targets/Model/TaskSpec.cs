using Microsoft.Build.Framework;

namespace DataBuild.Model;

/// <summary>How a target's partitions are built. <see cref="Identity"/> is part of the task key.</summary>
public abstract class TaskSpec
{
    /// <summary>What the task is, stable across runs: changing it rebuilds (CommandChanged).</summary>
    public abstract string Identity { get; }
}

/// <summary>An external command from an argv template; never a shell string.</summary>
public sealed class ArgvTaskSpec(string[] template, string? version = null) : TaskSpec
{
    public IReadOnlyList<string> Template { get; } = template;

    /// <summary>The resolved argv is hashed separately (CommandChanged); the version covers scripts whose behaviour changes without the command changing.</summary>
    public override string Identity => version is null ? "argv" : $"argv@{version}";
}

/// <summary>In-process C# code, for steps small enough not to need a process of their own.</summary>
public sealed class DelegateTaskSpec(Action<TaskContext> action, string version) : TaskSpec, IInProcessTask
{
    public string Version { get; } = version;

    public override string Identity => $"csharp@{Version}";

    public void Run(TaskContext context) => action(context);
}

/// <summary>
/// An MSBuild task (<see cref="ITask"/>). Its version is the one declared with <c>.Version()</c>, or else the
/// deterministic module id of its assembly, so recompiled task code rebuilds what it made unless told otherwise.
/// </summary>
public sealed class MsBuildTaskSpec<TTask>(Action<TTask, TaskContext> configure, string? version) : TaskSpec, IInProcessTask
    where TTask : ITask, new()
{
    public override string Identity =>
        $"msbuild:{typeof(TTask).FullName}@{version ?? typeof(TTask).Assembly.ManifestModule.ModuleVersionId.ToString("N")}";

    public void Run(TaskContext context)
    {
        var engine = new TaskLogBuildEngine(context.Log);
        var task = new TTask { BuildEngine = engine };
        configure(task, context);
        var ok = task.Execute();
        if (!ok || engine.ErrorCount > 0)
            throw new TaskFailedException(
                $"{typeof(TTask).Name} failed" + (engine.FirstError is { } e ? $": {e}" : " (Execute returned false without logging an error)."));
    }
}

/// <summary>A task that runs inside the engine's process (C# delegates and MSBuild tasks).</summary>
public interface IInProcessTask
{
    void Run(TaskContext context);
}

/// <summary>Thrown by a task to fail its node with a message for the user (no stack trace shown).</summary>
public sealed class TaskFailedException(string message) : Exception(message);
