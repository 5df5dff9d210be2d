-- GET /api/v1/contacts?limit=20: the first page, newest first (the default sort)
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/api/v1/contacts?limit=20"
with_auth(wrk.headers)
