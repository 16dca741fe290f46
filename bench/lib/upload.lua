-- wrk script for the upload scenario: every request is a POST of a 10 MiB body to /upload
-- (bench/apps/upload.py reads it all and answers 400 unless it got every byte, so a server
-- that truncates bodies shows up as "Non-2xx" errors). The size must match BODY_BYTES in
-- bench/run.mjs, which turns requests/s into MiB/s.
-- wrk.format() (called by wrk's default init) adds Content-Length from wrk.body. The body is
-- built once per wrk thread (each thread has its own Lua state), not per request.
wrk.method = "POST"
wrk.path = "/upload"
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.body = string.rep("x", 10 * 1024 * 1024)
