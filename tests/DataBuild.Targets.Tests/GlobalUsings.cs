global using DataBuild.Testing;
global using Xunit;
