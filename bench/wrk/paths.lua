-- GET of a random path from the file BENCH_PATHS (one path per line, made by the harness): one script for every
-- read whose parameters vary (a filter value, a contact's timeline), so each request asks for something else.
-- A line "POST <path> <json>" is a POST of that body (a search).
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local paths_file = os.getenv("BENCH_PATHS") or error("BENCH_PATHS must name a file of paths")
function per_thread_init()
  paths = {}
  for line in io.lines(paths_file) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("no paths in " .. paths_file) end
end
local headers = with_auth()
local json_headers = with_auth({["Content-Type"] = "application/json"})
function request()
  local line = pick(paths)
  local path, body = line:match("^POST (%S+) (.*)$")
  if path then
    return wrk.format("POST", path, json_headers, body)
  end
  return wrk.format("GET", line, headers)
end
