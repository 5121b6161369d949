-- POST the sign form, a distinct email address per request, and count answers by class.
-- Environment: SIGN_PATH, SIGN_CSRF (form token), SIGN_COOKIE (csrftoken cookie),
-- SIGN_PREFIX (makes addresses unique per run). wrk's own summary lumps 3xx, 4xx and
-- 5xx together as "non-2xx", so each thread counts them itself in response().

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  ok, status_4xx, status_5xx, sent = 0, 0, 0, 0
  path = os.getenv("SIGN_PATH") or "/sign"
  prefix = os.getenv("SIGN_PREFIX") or "bench"
  local csrf = os.getenv("SIGN_CSRF") or ""
  form = "csrfmiddlewaretoken=" .. csrf
    .. "&first_name=Bench&last_name=Signer&country=KR&display=initials&comment=&source=bench&sensitive_consent=on"
  headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
  local cookie = os.getenv("SIGN_COOKIE")
  if cookie and cookie ~= "" then
    headers["Cookie"] = "csrftoken=" .. cookie
  end
end

function request()
  sent = sent + 1
  local email = string.format("%s-%d-%d%%40example.org", prefix, id, sent)
  return wrk.format("POST", path, headers, form .. "&email=" .. email)
end

function response(status, response_headers, body)
  if status >= 500 then
    status_5xx = status_5xx + 1
  elseif status >= 400 then
    status_4xx = status_4xx + 1
  else
    ok = ok + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_4xx, total_5xx = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_4xx = total_4xx + thread:get("status_4xx")
    total_5xx = total_5xx + thread:get("status_5xx")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "ok": %d, "ok_rps": %.2f, "status_4xx": %d, "status_5xx": %d, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "non2xx": %d, "socket_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds, total_ok, total_ok / seconds,
    total_4xx, total_5xx,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, errors))
end
