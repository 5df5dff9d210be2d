-- POST /person/{person_id} with a new person_id and email each time (legacy API)
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local headers = with_auth({ ["Content-Type"] = "application/json" })
function request()
  local key = next_key("p")
  return wrk.format("POST", "/person/" .. key, headers,
    '{"name":"Bench Person","email":"' .. key .. '@bench.example","phone":"+1 555 0100"}')
end
