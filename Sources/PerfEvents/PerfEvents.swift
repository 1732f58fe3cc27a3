// The PerfEvents module: live perf events: perf_event_open(2) counters and groups (Counter,
// CounterGroup, CounterSet), mmap ring buffers (RingBuffer), sampling (Sampler), workloads (Workload).
