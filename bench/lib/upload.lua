-- wrk script for the upload scenario: every request is a POST with a 10 MiB body.
-- wrk.format() (called by wrk's default init) adds Content-Length from wrk.body.
-- The body is built once per wrk thread (each thread has its own Lua state), not per request.
local size = tonumber(os.getenv("FORKWATCH_BENCH_UPLOAD_BYTES") or "") or (10 * 1024 * 1024)
wrk.method = "POST"
wrk.path = "/upload"
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.body = string.rep("x", size)
