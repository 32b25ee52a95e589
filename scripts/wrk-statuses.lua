-- For wrk (scripts/bench-load.sh): counts the answers by kind, telling a 503 of admission
-- control (turned away at once, with Retry-After) from one of the request timeout (admitted,
-- then given up on, without Retry-After), and prints one line:
--   answers: 200 N, turned away N, timed out N, other N; admitted answered 200: P %
counts = { ok = 0, busy = 0, timeout = 0, other = 0 }
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status == 200 then
    counts.ok = counts.ok + 1
  elseif status == 503 and (headers["retry-after"] or headers["Retry-After"]) then
    counts.busy = counts.busy + 1
  elseif status == 503 then
    counts.timeout = counts.timeout + 1
  else
    counts.other = counts.other + 1
  end
end

function done(summary, latency, requests)
  local total = { ok = 0, busy = 0, timeout = 0, other = 0 }
  for _, thread in ipairs(threads) do
    local counted = thread:get("counts")
    for kind, n in pairs(counted) do
      total[kind] = total[kind] + n
    end
  end
  local admitted = total.ok + total.timeout + total.other
  local share = 0
  if admitted > 0 then
    share = 100 * total.ok / admitted
  end
  io.write(string.format(
    "answers: 200 %d, turned away %d, timed out %d, other %d; admitted answered 200: %.1f %%\n",
    total.ok, total.busy, total.timeout, total.other, share))
end
