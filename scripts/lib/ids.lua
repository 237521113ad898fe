-- wrk request generator: GET /schemas/ids/{id} over IDS ids spaced STRIDE apart (1, 1+STRIDE,
-- ...), in random order; AUTHORIZATION, when set, is sent as the Authorization header.
local n = tonumber(os.getenv("IDS") or "1")
local stride = tonumber(os.getenv("STRIDE") or "1")
local auth = os.getenv("AUTHORIZATION")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
request = function()
  return wrk.format("GET", "/schemas/ids/" .. (1 + math.random(0, n - 1) * stride))
end
