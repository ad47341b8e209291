namespace DataBuild.Model;

/// <summary>
/// The pipeline's declarations are wrong (a circular or missing dependency, an output declared twice, a task without
/// outputs): the pipeline author's code must change, so the program exits 2, as for any usage error.
/// </summary>
public sealed class PipelineDefinitionException(string message) : InvalidOperationException(message);
