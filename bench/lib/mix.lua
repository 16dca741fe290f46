-- wrk script for the capture-memory and ui scenarios: a counted (or paced) mix of small
-- requests against bench/apps/suite.py. Configured through the environment (wrk passes no
-- arguments to scripts in a way every 4.x build supports):
--
--   FW_LIMIT       responses per wrk thread, then the thread stops (0 = no limit). On reaching
--                  it the thread writes "FW_DONE" to stderr; the harness SIGINTs wrk once every
--                  thread did, so the run ends at the count instead of at -d (wrk always
--                  sleeps for its whole -d otherwise). SIGINT makes wrk print its report.
--   FW_POST_EVERY  every Nth request is a POST /upload with FW_POST_BYTES bytes of body, the
--                  rest GET / (0 = GETs only). upload.py reads the whole body, so the capture
--                  keeps a request body for each POST.
--   FW_POST_BYTES  body size of those POSTs (default 1024).
--   FW_QUERY_MOD   GETs go to /?k=<i mod N> (0 = plain "/"): rows that differ by URL, for the
--                  inspector's filter.
--   FW_RATE        requests per second per thread, paced in delay() against a monotonic clock
--                  (LuaJIT ffi clock_gettime); 0 = as fast as possible. wrk2 is not available;
--                  wrk's delay() has 1 ms resolution, so the schedule is kept as absolute
--                  times and each delay rounded, which averages out over requests.
--
-- Each wrk thread has its own Lua state: counters and the schedule are per thread.

local function num(name, default)
  local v = tonumber(os.getenv(name) or "")
  if v == nil then return default end
  return v
end

local limit = num("FW_LIMIT", 0)
local post_every = num("FW_POST_EVERY", 0)
local post_bytes = num("FW_POST_BYTES", 1024)
local query_mod = num("FW_QUERY_MOD", 0)
local rate = num("FW_RATE", 0)

-- Built in init(): wrk adds the Host header to wrk.headers only then (a request formatted at
-- load time has none, and the server answers 400).
local post_req = nil
local plain_get = nil
local gets = {}
function init(args)
  if post_every > 0 then
    post_req = wrk.format("POST", "/upload",
      { ["Content-Type"] = "application/octet-stream" }, string.rep("p", post_bytes))
  end
  plain_get = wrk.format("GET", "/")
  if query_mod > 0 then
    for k = 0, query_mod - 1 do gets[k] = wrk.format("GET", "/?k=" .. k) end
  end
end

local sent = 0
local sent_gets = 0 -- its own counter: with FW_POST_EVERY = FW_QUERY_MOD one k would never come
function request()
  sent = sent + 1
  if post_req and sent % post_every == 0 then return post_req end
  if query_mod > 0 then
    sent_gets = sent_gets + 1
    return gets[sent_gets % query_mod]
  end
  return plain_get
end

local done = 0
local announced = false
if limit > 0 then
  function response(status, headers, body)
    done = done + 1
    if done >= limit and not announced then
      announced = true
      io.stderr:write("FW_DONE\n")
      io.stderr:flush()
      wrk.thread:stop()
    end
  end
end

if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } fw_timespec;
    int clock_gettime(int clk_id, fw_timespec *tp);
  ]]
  local ts = ffi.new("fw_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval = 1000 / rate
  local next_at = nil
  function delay()
    local t = now_ms()
    -- Behind by more than 50 ms (server or client stalled): do not burst to catch up.
    if next_at == nil or next_at < t - 50 then next_at = t end
    local d = next_at - t
    next_at = next_at + interval
    if d <= 0 then return 0 end
    return math.floor(d + 0.5)
  end
end
