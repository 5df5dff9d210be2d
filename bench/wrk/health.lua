dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/health"
-- No token even with --auth on: /health is public, and the probes that call it carry no credentials.
