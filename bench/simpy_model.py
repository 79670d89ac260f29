"""The engine benchmark's model in SimPy 3, the peer slbsim's engine is measured against.

Same model as bench/engine.ts: one HTTP listener, 5 forwarding rules, 3 VServer groups of 10
backends, Poisson arrivals, a weighted request mix, nginx smooth weighted round robin per group
(or least_conn with exponential connection times). Prints one JSON line with the figures.

Usage: python3 bench/simpy_model.py <requests> <wrr|wlc> <seed>
"""
import json
import random
import sys
import time

import simpy

REQUESTS = int(sys.argv[1])
SCHEDULER = sys.argv[2]
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 42
RATE = 100_000.0  # arrivals per simulated second
MEAN_SERVICE = 0.05  # seconds (wlc case)

rng = random.Random(SEED)

GROUPS = {
    g: {
        "weights": [(i % 5) + 1 for i in range(10)],
        "current": [0] * 10,
        "conns": [0] * 10,
        "counts": [0] * 10,
    }
    for g in ("rsp-api", "rsp-static", "rsp-web")
}
# (domain, url) -> group; the template mix below hits every rule and the fallback.
RULES = [
    ("api.example.com", "/v1", "rsp-api"),
    ("api.example.com", "/v2", "rsp-api"),
    ("*.example.com", None, "rsp-web"),
    (None, "/static", "rsp-static"),
    ("static.example.com", None, "rsp-static"),
]
TEMPLATES = [
    ("api.example.com", "/v1/items", 4),
    ("api.example.com", "/v2/users", 2),
    ("www.example.com", "/index.html", 2),
    ("cdn.other.net", "/static/app.js", 1),
    ("static.example.com", "/img/logo.png", 1),
    ("other.net", "/", 1),
]
LISTENER_GROUP = "rsp-web"


def match(host, path):
    exact = [r for r in RULES if r[0] == host]
    block = exact
    if not block:
        wild = sorted(
            (r for r in RULES if r[0] and r[0].startswith("*.") and host.endswith(r[0][1:]) and len(host) > len(r[0]) - 1),
            key=lambda r: -len(r[0]),
        )
        if wild:
            block = [r for r in RULES if r[0] == wild[0][0]]
    p = path.split("?", 1)[0]
    if block:
        urls = sorted((r for r in block if r[1] and p.startswith(r[1])), key=lambda r: -len(r[1]))
        if urls:
            return urls[0][2]
        only = [r for r in block if r[1] is None]
        return only[0][2] if only else LISTENER_GROUP
    urls = sorted((r for r in RULES if r[0] is None and p.startswith(r[1])), key=lambda r: -len(r[1]))
    return urls[0][2] if urls else LISTENER_GROUP


def swrr(group, candidates):
    best = -1
    total = 0
    cur = group["current"]
    w = group["weights"]
    for i in candidates:
        cur[i] += w[i]
        total += w[i]
        if best < 0 or cur[i] > cur[best]:
            best = i
    cur[best] -= total
    return best


def least_conn(group):
    w = group["weights"]
    conns = group["conns"]
    best = 0
    tied = [0]
    for i in range(1, 10):
        if conns[i] * w[best] < conns[best] * w[i]:
            best = i
            tied = [i]
        elif conns[i] * w[best] == conns[best] * w[i]:
            tied.append(i)
    if len(tied) == 1:
        return best
    return swrr(group, tied)


def connection(env, group, member):
    yield env.timeout(rng.expovariate(1.0 / MEAN_SERVICE))
    group["conns"][member] -= 1


def arrivals(env):
    weights = [t[2] for t in TEMPLATES]
    route_cache = {}
    for _ in range(REQUESTS):
        yield env.timeout(rng.expovariate(RATE))
        host, path, _w = rng.choices(TEMPLATES, weights)[0]
        key = (host, path)
        gid = route_cache.get(key)
        if gid is None:
            gid = route_cache[key] = match(host, path)
        group = GROUPS[gid]
        if SCHEDULER == "wlc":
            m = least_conn(group)
            group["conns"][m] += 1
            env.process(connection(env, group, m))
        else:
            m = swrr(group, range(10))
        group["counts"][m] += 1


env = simpy.Environment()
env.process(arrivals(env))
start = time.perf_counter()
env.run()
elapsed = time.perf_counter() - start
print(json.dumps({"requests": REQUESTS, "seconds": elapsed, "rate": REQUESTS / elapsed,
                  "counts": {g: v["counts"] for g, v in GROUPS.items()}}))
