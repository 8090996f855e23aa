-- wrk's results as one JSON line for scripts/bench gateway (times in microseconds):
--   wrk -s bench/gateway/report.lua ...  →  a line starting with "bench-json "
-- With BENCH_WRK_DELAY_MS set, each connection waits on average that long before each
-- request, so the load is a fixed rate (connections × 1000 / delay per second) below
-- saturation. BENCH_WRK_ARRIVALS=random (the default) draws each wait from an exponential
-- distribution, so the connections send independently, as separate clients do (together,
-- close to a Poisson stream); =fixed waits exactly that long, which keeps connections that
-- start together in step: every few milliseconds a burst of one request per connection.

local pace = tonumber(os.getenv("BENCH_WRK_DELAY_MS") or "")
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_number or 0))
end

if pace then
  if os.getenv("BENCH_WRK_ARRIVALS") == "fixed" then
    delay = function() return pace end
  else
    delay = function() return math.floor(-pace * math.log(1 - math.random()) + 0.5) end
  end
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
