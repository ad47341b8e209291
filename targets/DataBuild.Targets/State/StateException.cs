namespace DataBuild.State;

/// <summary>The state database cannot be used as it is; the message says why and what to do.</summary>
public sealed class StateException(string message, Exception? inner = null) : Exception(message, inner);
