/// Symbolized call-stack profiles and their pictures and exports: folded stacks, flame-graph SVG,
/// pprof, speedscope (pure: profiles in, bytes out).
public enum Profile {}
