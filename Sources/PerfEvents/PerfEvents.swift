/// Live perf events: perf_event_open(2) counters and groups, mmap ring buffers, tracepoint ids.
public enum PerfEvents {}
