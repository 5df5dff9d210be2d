-- wrk script of the rehearsal's steady load: mixed reads and writes on the legacy API, rate-limited.
--   wrk -t2 -c4 -d120s -s load.lua http://127.0.0.1:PORT -- RUN_TAG ACK_DIR DELAY_MS SEED_COUNT
-- Every person the service acknowledged (201) is appended to ACK_DIR/acked-<thread>.txt so the rehearsal can
-- prove afterwards that each acknowledged write is readable. Counts per status code are printed by done() as
-- one "LOAD ..." line that deploy/local/rehearsal.sh parses. The API token comes from the environment (CRM_TOKEN),
-- never from the command line; without it the requests carry no Authorization header (a service with
-- CRM_AUTH_ENABLED=false).

local threads = {}
local next_thread = 1

function setup(thread)
  thread:set("thread_no", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  run_tag = args[1] or "load"
  ack_dir = args[2] or "."
  delay_ms = tonumber(args[3] or "10")
  seed_count = tonumber(args[4] or "10")
  counter = 0
  statuses = {}
  acked = 0
  ack_file = io.open(ack_dir .. "/acked-" .. run_tag .. "-" .. thread_no .. ".txt", "a")
  -- Line-buffered so the file is complete even though wrk never closes the thread's Lua state.
  ack_file:setvbuf("line")
end

-- One request per connection ("Connection: close"). Between rolling-restart steps the rehearsal reloads nginx
-- (its stand-in for Kubernetes removing an endpoint); a reload closes idle keep-alive client connections,
-- which real clients retry transparently but wrk would count as read errors. Closing after each request
-- keeps the count about the application, not about nginx's reload. Needs net.ipv4.tcp_tw_reuse (Linux
-- default 2 allows it on loopback) at the higher rates of the long mode.
local close = { ["Connection"] = "close" }
local post_headers = { ["Content-Type"] = "application/json", ["Connection"] = "close" }
local token = os.getenv("CRM_TOKEN")
if token and token ~= "" then
  close["Authorization"] = "Bearer " .. token
  post_headers["Authorization"] = "Bearer " .. token
end

function delay()
  return delay_ms
end

function request()
  counter = counter + 1
  local kind = counter % 10
  if kind < 3 then
    -- 30% writes: a new person with an id unique to this run, thread and request.
    local id = run_tag .. "-" .. thread_no .. "-" .. counter
    local body = '{"name":"Load ' .. id .. '","email":"' .. id .. '@load.example.com","phone":"555-' .. counter .. '"}'
    return wrk.format("POST", "/person/" .. id, post_headers, body)
  elseif kind < 9 then
    -- 60% reads of existing records (seeded before the load starts).
    return wrk.format("GET", "/person/seed-" .. (counter % seed_count + 1), close)
  else
    -- 10% liveness, no database involved.
    return wrk.format("GET", "/health", close)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    local id = string.match(body, '"person_id"%s*:%s*"([^"]+)"')
    if id then
      ack_file:write(id, "\n")
      acked = acked + 1
    end
  end
end

function done(summary, latency, requests)
  local totals = {}
  local acked_total = 0
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      totals[status] = (totals[status] or 0) + n
    end
    acked_total = acked_total + thread:get("acked")
  end
  local by_class = { [2] = 0, [3] = 0, [4] = 0, [5] = 0 }
  local codes = {}
  for status, n in pairs(totals) do
    local class = math.floor(status / 100)
    by_class[class] = (by_class[class] or 0) + n
    table.insert(codes, status .. ":" .. n)
  end
  table.sort(codes)
  local e = summary.errors
  io.write(string.format(
    "LOAD requests=%d s2xx=%d s4xx=%d s5xx=%d acked=%d connect_errors=%d read_errors=%d write_errors=%d " ..
    "timeouts=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f duration_s=%.1f codes=%s\n",
    summary.requests, by_class[2], by_class[4], by_class[5], acked_total, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.duration / 1e6, table.concat(codes, ",")))
end
