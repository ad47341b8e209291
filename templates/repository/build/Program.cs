using DataBuild.Cli;

// The program ../build.sh runs: the targets of the Pipelines class (build/Pipelines*.cs), built from the command line.
return DataBuildHost.Run(args, () => new Pipelines());
