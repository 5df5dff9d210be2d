-- GET /api/v1/contacts?q=mar: the same term as the driver's contact_search (Driver.SEARCH_TERM)
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/api/v1/contacts?q=mar&limit=20"
with_auth(wrk.headers)
