namespace DataBuild.Model;

/// <summary>A target as pipelines declare it: <c>Target Features => _ => _.DependsOn(Quads).Output("...").Executes(...)</c>.</summary>
public delegate ITargetDefinition Target(ITargetDefinition definition);
