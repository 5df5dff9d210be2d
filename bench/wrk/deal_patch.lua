-- PATCH /api/v1/deals/{id} (JSON merge patch) of a random seeded deal, a new amount each time
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local headers = with_auth({ ["Content-Type"] = "application/merge-patch+json" })
function per_thread_init() ids = load_ids("deals.txt") end
function request()
  return wrk.format("PATCH", "/api/v1/deals/" .. pick(ids), headers,
    '{"amount":"' .. math.random(1, 99999) .. '.50"}')
end
