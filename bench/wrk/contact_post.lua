-- POST /api/v1/contacts with a new email each time
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local headers = with_auth({ ["Content-Type"] = "application/json" })
function request()
  local key = next_key("c")
  return wrk.format("POST", "/api/v1/contacts", headers,
    '{"name":"Bench Contact","email":"' .. key .. '@bench.example","phone":"+1 555 0100","tags":["bench"]}')
end
