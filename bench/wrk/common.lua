-- Shared by the per-operation scripts (loaded with dofile). Each wrk thread gets its own Lua state: setup() numbers
-- the threads so generated keys never collide, done() prints one JSON line that bench/run.sh parses.
local ids_dir = os.getenv("BENCH_IDS") or error("BENCH_IDS must name the seed's id directory")
run_tag = os.getenv("BENCH_RUN_TAG") or tostring(os.time())
-- bench/run.sh --auth on: the API token, from the environment only (never in a file or on the command line).
local bench_token = os.getenv("BENCH_TOKEN")

-- Adds "Authorization: Bearer <token>" to a header table when a token is given (auth on); returns the table.
function with_auth(headers)
  headers = headers or {}
  if bench_token and bench_token ~= "" then
    headers["Authorization"] = "Bearer " .. bench_token
  end
  return headers
end

function load_ids(name)
  local list = {}
  for line in io.lines(ids_dir .. "/" .. name) do
    if line ~= "" then list[#list + 1] = line end
  end
  if #list == 0 then error("no ids in " .. name) end
  return list
end

local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

-- per-thread counter for unique keys in write benchmarks
seq = 0
function next_key(kind)
  seq = seq + 1
  return "w" .. run_tag .. "-" .. kind .. "-" .. tostring(tid) .. "-" .. tostring(seq)
end

function pick(list)
  return list[math.random(#list)]
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
  if per_thread_init then per_thread_init() end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"duration_us":%d,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,'
      .. '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d}\n',
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      e.connect, e.read, e.write, e.status, e.timeout))
end
