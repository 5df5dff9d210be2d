-- GET /person/{person_id} of a random seeded contact (legacy API)
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
function per_thread_init() ids = load_ids("persons.txt") end
local headers = with_auth()
function request()
  return wrk.format("GET", "/person/" .. pick(ids), headers)
end
