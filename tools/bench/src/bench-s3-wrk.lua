-- wrk script of `bench s3`: replays precomputed presigned S3 requests round-robin and prints one
-- JSON line for the bench to parse.
--
-- Arguments (after `--`): <plan file> <body file or "-"> <Host header> <thread count (wrk -t)>
--   plan file: one "METHOD TARGET" line per key (TARGET = path and presigned query)
--   body file: the object bytes every PUT sends; "-" for GETs
--
-- Every request string is built once in init() with wrk.format, so request() costs a table
-- lookup. Each thread starts at its own offset into the keys, so two threads do not overwrite the
-- same key at the same moment.
--
-- Errors: wrk counts only statuses > 399 itself. For PUTs (empty response bodies) a response()
-- function counts every status outside 200..299 too; for GETs it is left undefined, because wrk
-- then buffers every body for Lua (64 MiB each), and the bench checks instead that the bytes
-- received cover the object size of every completed request.
--
-- CPU: wrk's own CPU (utime + stime of /proc/self/stat at done(), in clock ticks) minus what the
-- threads spent building the requests in init() (from /proc/thread-self/stat), so the bench can
-- report the load generator's cost per request.

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

-- utime + stime (fields 14 and 15) of a /proc stat file, in clock ticks.
local function cpu_ticks(path)
  local file = io.open(path, "r")
  if file == nil then return 0 end
  local stat = file:read("*a")
  file:close()
  -- Fields after the command name, which may contain spaces; the first is field 3 (state).
  local rest = stat:sub(stat:find(")", 1, true) + 2)
  local fields = {}
  for field in rest:gmatch("%S+") do table.insert(fields, field) end
  return tonumber(fields[12]) + tonumber(fields[13])
end

local function read_file(path)
  local file = assert(io.open(path, "rb"))
  local content = file:read("*a")
  file:close()
  return content
end

local requests_prepared = {}
local next_request = 1
non_2xx = 0
first_bad_status = 0
init_ticks = 0

local function count_response(status)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
    if first_bad_status == 0 then first_bad_status = status end
  end
end

function init(args)
  local ticks_before = cpu_ticks("/proc/thread-self/stat")
  local plan_path, body_path, host, thread_total = args[1], args[2], args[3], tonumber(args[4])
  local body = nil
  if body_path ~= "-" then body = read_file(body_path) end
  local has_put = false
  for line in io.lines(plan_path) do
    local method, target = line:match("^(%u+) (%S+)$")
    if method ~= nil then
      if method == "PUT" then has_put = true end
      local request_body = nil
      if method == "PUT" then request_body = body end
      table.insert(requests_prepared, wrk.format(method, target, { Host = host }, request_body))
    end
  end
  assert(#requests_prepared > 0, "no requests in " .. plan_path)
  next_request = math.floor(thread_index * #requests_prepared / thread_total) % #requests_prepared + 1
  if has_put then response = function(status) count_response(status) end end
  init_ticks = cpu_ticks("/proc/thread-self/stat") - ticks_before
end

function request()
  local prepared = requests_prepared[next_request]
  next_request = next_request % #requests_prepared + 1
  return prepared
end

function done(summary, latency, requests)
  local non_2xx_total, first_bad, init_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    non_2xx_total = non_2xx_total + thread:get("non_2xx")
    if first_bad == 0 then first_bad = thread:get("first_bad_status") end
    init_total = init_total + thread:get("init_ticks")
  end
  local errors = summary.errors
  io.write(string.format(
    'S3BENCH_RESULT {"requests":%d,"durationUs":%d,"bytesReceived":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"non2xx":%d,"firstBadStatus":%d,' ..
      '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},"cpuTicksTotal":%d,"cpuTicksInit":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout, non_2xx_total, first_bad,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    cpu_ticks("/proc/self/stat"), init_total))
end
