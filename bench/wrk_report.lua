-- Included by every wrk run: print one JSON line that bench/common.py reads.
-- Scripts that build their own requests call report_done() from done().
function report_done(summary, latency, requests)
  local non2xx = summary.errors.status
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    non2xx, errors))
end

done = report_done
