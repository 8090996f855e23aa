-- wrk's results as one JSON line for scripts/bench gateway (times in microseconds):
--   wrk -s bench/gateway/report.lua ...  →  a line starting with "bench-json "
-- With BENCH_WRK_DELAY_MS set, each connection waits that long before each request, so
-- the load is a fixed rate (connections × 1000 / delay per second) below saturation.

local pace = tonumber(os.getenv("BENCH_WRK_DELAY_MS") or "")
if pace then
  delay = function() return pace end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'bench-json {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"min":%d,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.min, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
