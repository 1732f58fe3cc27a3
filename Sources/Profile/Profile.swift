// The Profile module: symbolized call-stack profiles and their pictures and exports
// (folded stacks, flame-graph SVG, pprof, speedscope). Pure: profiles in, bytes out.
//
// Main types: `StackProfile` (the model and its builder), `FrameTree` (stacks merged into a call
// tree once), `Folded` (read and write Brendan Gregg's folded format), `FlameGraph` (SVG),
// `Pprof` (profile.proto, gzipped), `Speedscope` (JSON), `Gzip`.
