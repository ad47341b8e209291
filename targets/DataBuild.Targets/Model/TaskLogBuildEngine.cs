using System.Collections;
using Microsoft.Build.Framework;

namespace DataBuild.Model;

/// <summary>Hosts MSBuild tasks: their log messages, warnings and errors go to the node's log file.</summary>
internal sealed class TaskLogBuildEngine(TextWriter log) : IBuildEngine
{
    public int ErrorCount { get; private set; }

    public string? FirstError { get; private set; }

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "databuild";

    public void LogErrorEvent(BuildErrorEventArgs e)
    {
        ErrorCount++;
        FirstError ??= e.Message;
        log.WriteLine($"error{(string.IsNullOrEmpty(e.Code) ? "" : " " + e.Code)}: {e.Message}");
    }

    public void LogWarningEvent(BuildWarningEventArgs e) => log.WriteLine($"warning{(string.IsNullOrEmpty(e.Code) ? "" : " " + e.Code)}: {e.Message}");

    public void LogMessageEvent(BuildMessageEventArgs e) => log.WriteLine(e.Message);

    public void LogCustomEvent(CustomBuildEventArgs e) => log.WriteLine(e.Message);

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("DataBuild tasks cannot build MSBuild projects.");
}
