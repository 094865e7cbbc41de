-- wrk script for the PIN look-up benchmark: each request asks for a random PIN from a file
-- of PINs that are on the voter lists (one per line), so that every answer is a 200 served
-- from the real store's index.
--
--   wrk -t1 -c32 -d10s --latency -s scripts/bench/lookup.lua http://127.0.0.1:8080 -- pins.txt
--
-- wrk counts non-2xx answers itself ("Non-2xx or 3xx responses"): the run is only valid when
-- there are none (a 404 means a wrong PIN file, a 429 a missing rate-limit exemption).

local pins = {}

function init(args)
  local path = args[1] or os.getenv("PINS") or "pins.txt"
  for line in io.lines(path) do
    if #line == 14 then
      pins[#pins + 1] = line
    end
  end
  if #pins == 0 then
    error("no PINs in " .. path)
  end
  -- Each thread draws its own sequence.
  math.randomseed(os.time() + #tostring({}))
end

function request()
  return wrk.format("GET", "/api/v1/voters/" .. pins[math.random(#pins)] .. "/station")
end
