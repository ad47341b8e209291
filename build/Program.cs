using DataBuild.Cli;
using DataBuild.Pipelines;

return DataBuildHost.Run<Pipelines>(args);
