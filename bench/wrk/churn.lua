-- cargo xtask bench: create+delete group churn.
-- Each request is a DELETE of a group this thread created and has not deleted yet, or, when
-- there is none, a POST that creates one. Every connection so alternates POST and DELETE, and
-- the account's group list stays the same size. The Authorization header comes from wrk -H.
-- done() prints "script churn: creates N deletes N failures N" for the harness to check.

creates, deletes, failures = 0, 0, 0
local ids = {}
local threads = {}
local post_body = '{"profile_group":{"name":"Bench churn"}}'

function setup(thread)
  table.insert(threads, thread)
end

local function headers(extra)
  local h = {}
  for name, value in pairs(wrk.headers) do h[name] = value end
  for name, value in pairs(extra or {}) do h[name] = value end
  return h
end

function request()
  local id = table.remove(ids)
  if id then
    return wrk.format("DELETE", "/api/profile_groups/" .. id, headers(), nil)
  end
  return wrk.format("POST", "/api/profile_groups",
    headers({ ["Content-Type"] = "application/json" }), post_body)
end

function response(status, _, body)
  if status == 201 then
    local id = body:match('"id"%s*:%s*"([^"]+)"')
    if id then
      creates = creates + 1
      table.insert(ids, id)
    else
      failures = failures + 1
    end
  elseif status == 200 then
    deletes = deletes + 1
  else
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local c, d, f = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("creates")
    d = d + thread:get("deletes")
    f = f + thread:get("failures")
  end
  io.write(string.format("script churn: creates %d deletes %d failures %d\n", c, d, f))
end
