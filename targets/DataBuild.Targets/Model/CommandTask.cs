using System.Diagnostics;
using Microsoft.Build.Framework;

namespace DataBuild.Model;

/// <summary>
/// A base for MSBuild-style tasks that wrap an external command, in the spirit of MSBuild's ToolTask: a subclass
/// names the tool and builds its arguments from its properties; the command runs from an argv list (never a shell
/// string), its output goes to the node's log, and a non-zero exit fails the task with the command line shown.
/// </summary>
public abstract class CommandTask : ITask
{
    public IBuildEngine BuildEngine { get; set; } = null!;

    public ITaskHost? HostObject { get; set; }

    /// <summary>The program to run: a name looked up on PATH, or a path.</summary>
    protected abstract string ToolName { get; }

    /// <summary>The arguments, one element each.</summary>
    protected abstract IEnumerable<string> Arguments();

    /// <summary>The working directory; the workspace root by default.</summary>
    protected virtual string? WorkingDirectory => null;

    /// <summary>The exit code, once run.</summary>
    public int ExitCode { get; private set; }

    public bool Execute()
    {
        var psi = new ProcessStartInfo(ToolName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in Arguments()) psi.ArgumentList.Add(a);
        if (WorkingDirectory is { } dir) psi.WorkingDirectory = dir;
        var commandLine = string.Join(" ", psi.ArgumentList.Prepend(ToolName).Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
        Message(commandLine);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {ToolName}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Error($"Cannot run '{ToolName}': {e.Message}. Is it installed and on PATH?");
            return false;
        }
        using (process)
        {
            // Both streams at once: reading one to the end first can deadlock on a full pipe of the other.
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) Message(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Message(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.WaitForExit();
            ExitCode = process.ExitCode;
        }
        if (ExitCode == 0) return true;
        Error($"'{commandLine}' exited with code {ExitCode}.");
        return false;
    }

    private void Message(string text) =>
        BuildEngine.LogMessageEvent(new BuildMessageEventArgs(text, null, GetType().Name, MessageImportance.Normal));

    private void Error(string text) =>
        BuildEngine.LogErrorEvent(new BuildErrorEventArgs(null, null, null, 0, 0, 0, 0, text, null, GetType().Name));
}
