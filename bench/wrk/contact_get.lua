-- GET /api/v1/contacts/{id} of a random seeded contact
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
function per_thread_init() ids = load_ids("contacts.txt") end
local headers = with_auth()
function request()
  return wrk.format("GET", "/api/v1/contacts/" .. pick(ids), headers)
end
