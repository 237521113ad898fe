"""Writes REPORT.md and the PNG plots of a scripts/perf.sh run from the files it collected.

Usage: python scripts/perf_report.py perf-results/<timestamp>
"""

import csv
import gzip
import json
import math
import os
import platform
import re
import subprocess
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OUT = sys.argv[1]


def path(name):
    return os.path.join(OUT, name)


def read_csv(name):
    if not os.path.exists(path(name)):
        return []
    with open(path(name)) as f:
        return list(csv.DictReader(f))


def fmt(v, digits=0):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{v:,.{digits}f}"


settings = dict(line.strip().split("=", 1) for line in open(path("settings.txt")) if "=" in line)
schemas = int(settings.get("schemas", "10000"))

phases = {r["phase"]: (float(r["start"]), float(r["end"])) for r in read_csv("phases.csv")}
samples = [
    (float(r["t"]), int(r["rss_kib"] or 0), int(float(r["cpu_ticks"] or 0)), int(r["clk_tck"]))
    for r in read_csv("samples.csv")
]


def origin_usage(phase):
    """(max RSS MiB, average CPU % of one core) of the origin during a phase."""
    if phase not in phases:
        return None, None
    start, end = phases[phase]
    inside = [s for s in samples if start <= s[0] <= end + 1]
    if len(inside) < 2:
        return None, None
    rss = max(s[1] for s in inside) / 1024
    # CPU ticks only grow within one process: sum the positive steps.
    ticks = sum(max(0, b[2] - a[2]) for a, b in zip(inside, inside[1:]) if b[2] >= a[2])
    secs = inside[-1][0] - inside[0][0]
    return rss, (ticks / inside[0][3]) / secs * 100 if secs > 0 else None


def counters(name):
    values = {}
    if not os.path.exists(path(name)):
        return values
    for line in open(path(name)):
        m = re.match(r"^(registry_cache_(?:hits|misses)_total)\s+([0-9.e+]+)", line)
        if m:
            values[m.group(1)] = float(m.group(2))
    return values


def hit_rate(phase):
    before, after = counters(f"metrics-{phase}-before.txt"), counters(f"metrics-{phase}-after.txt")
    hits = after.get("registry_cache_hits_total", 0) - before.get("registry_cache_hits_total", 0)
    misses = after.get("registry_cache_misses_total", 0) - before.get("registry_cache_misses_total", 0)
    return hits / (hits + misses) * 100 if hits + misses else None


lines = []
w = lines.append

commit = subprocess.run(
    ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
).stdout.strip()
cpu = next(
    (l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
    platform.machine(),
)
w(f"# Performance report ({settings.get('mode')} mode)")
w("")
w(
    f"Commit {commit}; {os.cpu_count()} cores ({cpu}) shared by the load generators (wrk, k6), "
    f"the origin and PostgreSQL; origin on PostgreSQL with API keys on and rate limits off; "
    f"{schemas:,} schemas seeded for the k6 scenarios; run took "
    f"{int(settings.get('elapsed_seconds', 0)) // 60} min. Reproduce: "
    f"`scripts/perf.sh --{settings.get('mode')}`."
)
w("")

# --- reference and growth
reference = {r["server"]: r for r in csv.DictReader(open(path("reference.csv")), fieldnames=["server", "rps", "p50", "p99", "p999", "errors"])} if os.path.exists(path("reference.csv")) else {}
reads = read_csv("reads.csv")
registrations = {int(r["size"]): r for r in read_csv("registrations.csv")}
startup = read_csv("startup.csv")
origin_rps = float(reference["origin"]["rps"]) if "origin" in reference else None
nginx_rps = float(reference["nginx"]["rps"]) if "nginx" in reference else None
ratio = origin_rps / nginx_rps * 100 if origin_rps and nginx_rps else None
half = reference.get("origin-half")
sizes = sorted({int(r["size"]) for r in reads})
hot = {int(r["size"]): r for r in reads if r["what"] == "hot"}
every = {int(r["size"]): r for r in reads if r["what"] == "all"}
largest = sizes[-1] if sizes else None
growth_ratio = (
    float(hot[largest]["rps"]) / float(hot[sizes[0]]["rps"]) * 100 if len(sizes) > 1 else None
)
startup_ms = {r["label"]: int(r["ms"]) for r in startup}
largest_start = startup_ms.get(f"{largest} schemas") if largest else None
rss_100k, _ = origin_usage("reads-100000")
if rss_100k is None:
    rss_100k, _ = origin_usage(f"reads-{largest}")
reg_n = registrations.get(schemas)


def verdict(ok):
    return "met" if ok else "**not met**"


w("## Against the targets")
w("")
w("| target | measured | |")
w("|---|---|---|")
if ratio is not None:
    w(f"| cached `GET /schemas/ids/{{id}}` >= 50% of nginx (aim 80%) | {ratio:.0f}% ({fmt(origin_rps)} vs {fmt(nginx_rps)} req/s) | {verdict(ratio >= 50)} |")
if half:
    w(f"| p99 < 2 ms at half of saturation | p99 {half['p99']} ms at {fmt(float(half['rps']))} req/s ({float(half['rps']) / origin_rps * 100:.0f}% of saturation) | {verdict(float(half['p99']) < 2)} |")
if reg_n:
    w(f"| registration >= 2,000/s on PostgreSQL, distinct subjects | {fmt(float(reg_n['rps']))}/s (at {schemas:,} schemas, k6 on the same cores) | {verdict(float(reg_n['rps']) >= 2000)} |")
if growth_ratio is not None:
    w(f"| cached-read throughput at 1M within 10% of 1k | at {largest:,}: {growth_ratio:.0f}% of 1k | {verdict(growth_ratio >= 90)}{'' if largest >= 1_000_000 else ' (largest size of this run; 1M in --full)'} |")
if rss_100k is not None:
    w(f"| origin RSS < 100 MB with 100k schemas | {rss_100k:.0f} MiB (max while reading all {min(largest, 100000):,}) | {verdict(rss_100k < 100)} |")
if largest_start is not None:
    w(f"| ready < 1 s with 1M schemas | {largest_start} ms with {largest:,} | {verdict(largest_start < 1000)}{'' if largest >= 1_000_000 else ' (1M in --full)'} |")
w("")

w("## Cached read against nginx (same run, same body)")
w("")
w("wrk, 2 threads, 32 connections, `GET /schemas/ids/1` with the API key; nginx serves the same bytes as a static file.")
w("")
w("| server | req/s | p50 ms | p99 ms | p99.9 ms | errors | vs nginx |")
w("|---|---:|---:|---:|---:|---:|---:|")
for name, label in (("origin", "origin (cached)"), ("origin-half", "origin, 2 connections"), ("nginx", "nginx static file")):
    r = reference.get(name)
    if r:
        w(f"| {label} | {fmt(float(r['rps']))} | {r['p50']} | {r['p99']} | {r['p999']} | {r['errors']} | {float(r['rps']) / nginx_rps * 100:.0f}% |")
w("")

w("## The cost of growth")
w("")
w("Cached reads: wrk over a hot set of 1,000 ids spread across all schemas, and over every id (up to 100k; the cache keeps what fits in `CACHE_MAX_MB`, so beyond that share some reads go to the database), each warmed by one pass. Registrations: the last 2,000 (or fewer) new subjects up to that size, k6 with 32 clients. Ready: process start to `/ready` answering.")
w("")
w("| schemas | hot-set req/s | p99 ms | every-id req/s | p99 ms | registrations/s | ready ms | origin max RSS MiB |")
w("|---:|---:|---:|---:|---:|---:|---:|---:|")
for s in sizes:
    h, a, r = hot.get(s), every.get(s), registrations.get(s)
    rss, _ = origin_usage(f"reads-{s}")
    w(
        f"| {s:,} | {fmt(float(h['rps'])) if h else 'n/a'} | {h['p99'] if h else 'n/a'} | "
        f"{fmt(float(a['rps'])) if a else 'n/a'} | {a['p99'] if a else 'n/a'} | "
        f"{fmt(float(r['rps'])) if r else 'n/a'} | {startup_ms.get(f'{s} schemas', 'n/a')} | {fmt(rss)} |"
    )
w("")
if "empty database" in startup_ms:
    w(f"Ready on an empty database: {startup_ms['empty database']} ms.")
    w("")

# --- k6 scenarios
w("## k6 scenarios")
w("")
for name, title in (
    ("baseline_load", "Baseline (60% reads, 20% validation, 15% registration, 5% compatibility)"),
    ("stress_test", "Stress (90% reads, 10% writes, ramping to saturation and a spike)"),
    ("soak_test", "Soak (steady arrival rate)"),
    ("multi_region", "Multi-region (writes at the origin, reads from two edges)"),
):
    f = path(f"k6-{name}.json")
    if not os.path.exists(f):
        continue
    metrics = json.load(open(f))["metrics"]
    start, end = phases.get(name, (0, 0))
    rss, cpu_pct = origin_usage(name)
    rate = hit_rate(name)
    w(f"### {title}")
    w("")
    w(
        f"Duration {end - start:.0f} s; origin CPU {fmt(cpu_pct)}% of one core on average, max RSS {fmt(rss)} MiB; "
        f"cache hit rate {fmt(rate, 1)}%."
    )
    w("")
    ops = [m.group(1) for m in (re.match(r"^op_(.+)_count$", k) for k in sorted(metrics)) if m]
    if ops:
        w("| operation | requests | req/s | p50 ms | p95 ms | p99 ms | p99.9 ms | errors |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for op in ops:
        key = f"op_{op}_count"
        lat, err = metrics.get(f"op_{op}_ms", {}), metrics.get(f"op_{op}_errors", {})
        w(
            f"| {op} | {fmt(metrics[key]['count'])} | {fmt(metrics[key]['rate'])} | {fmt(lat.get('med'), 2)} | "
            f"{fmt(lat.get('p(95)'), 2)} | {fmt(lat.get('p(99)'), 2)} | {fmt(lat.get('p(99.9)'), 2)} | {fmt(err.get('value', 0) * 100, 2)}% |"
        )
    for extra in ("shed_503", "propagation_ms", "stale_reads", "origin_rss_mb"):
        if extra in metrics:
            w(f"\n`{extra}`: " + ", ".join(f"{k} {fmt(v, 2)}" for k, v in metrics[extra].items() if not isinstance(v, dict)))
    failed = [k for k, v in metrics.items() if any(t is True for t in v.get("thresholds", {}).values())]
    w("")
    w(f"Thresholds crossed: {', '.join(failed) if failed else 'none'}.")
    w("")


# --- plots
def k6_samples(name):
    """Per-second (requests, latencies by op, max VUs) from a k6 CSV output."""
    f = path(f"k6-{name}.csv.gz")
    per_sec = defaultdict(lambda: {"n": 0, "lat": [], "vus": 0})
    if not os.path.exists(f):
        return {}
    with gzip.open(f, "rt") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        col = {c: i for i, c in enumerate(header)}
        for row in reader:
            metric = row[col["metric_name"]]
            if metric == "http_req_duration" and row[col["name"]] != "metrics":
                sec = int(float(row[col["timestamp"]]))
                per_sec[sec]["n"] += 1
                per_sec[sec]["lat"].append(float(row[col["metric_value"]]))
            elif metric == "vus":
                sec = int(float(row[col["timestamp"]]))
                per_sec[sec]["vus"] = max(per_sec[sec]["vus"], float(row[col["metric_value"]]))
    return per_sec


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else float("nan")


plots = []
soak = k6_samples("soak_test")
if soak:
    t0 = min(soak)
    window = max(1, (max(soak) - t0) // 60)
    buckets = defaultdict(list)
    for sec, v in soak.items():
        buckets[(sec - t0) // window * window].extend(v["lat"])
    xs = sorted(buckets)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for p, style in ((50, "-"), (99, "--"), (99.9, ":")):
        ax.plot(xs, [percentile(buckets[x], p) for x in xs], style, label=f"p{p}")
    ax.set_xlabel("seconds into the soak")
    ax.set_ylabel("latency (ms)")
    ax.set_yscale("log")
    start, end = phases.get("soak_test", (0, 0))
    mem = [(s[0] - start, s[1] / 1024) for s in samples if start <= s[0] <= end]
    if mem:
        ax2 = ax.twinx()
        ax2.plot([m[0] for m in mem], [m[1] for m in mem], color="gray", label="origin RSS")
        ax2.set_ylabel("origin RSS (MiB)")
        ax2.set_ylim(bottom=0)
        ax2.legend(loc="upper right")
    ax.legend(loc="upper left")
    ax.set_title(f"Soak: latency per {window}-s window and origin memory")
    fig.tight_layout()
    fig.savefig(path("soak_latency.png"), dpi=110)
    plots.append(("soak_latency.png", "Soak: latency percentiles over time and the origin's resident memory"))

stress = k6_samples("stress_test")
if stress:
    secs = sorted(stress)[1:-1]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.scatter([stress[s]["vus"] for s in secs], [stress[s]["n"] for s in secs], s=8)
    ax.set_xlabel("concurrent k6 clients (VUs)")
    ax.set_ylabel("requests per second")
    ax2 = ax.twinx()
    ax2.scatter([stress[s]["vus"] for s in secs], [percentile(stress[s]["lat"], 99) for s in secs], s=8, color="tab:red")
    ax2.set_ylabel("p99 latency (ms)", color="tab:red")
    ax.set_title("Stress: throughput (blue) and p99 (red) against load")
    fig.tight_layout()
    fig.savefig(path("stress_throughput.png"), dpi=110)
    plots.append(("stress_throughput.png", "Stress: throughput and p99 against the number of clients"))

if sizes:
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(sizes, [float(hot[s]["rps"]) for s in sizes], "o-", label="cached read, hot set")
    ax.plot([s for s in sizes if s in every], [float(every[s]["rps"]) for s in sizes if s in every], "s-", label="cached read, every id")
    if registrations:
        ax.plot(sorted(registrations), [float(registrations[s]["rps"]) for s in sorted(registrations)], "^-", label="registrations")
    if nginx_rps:
        ax.axhline(nginx_rps, color="gray", linestyle=":", label="nginx static file")
    ax.set_xscale("log")
    ax.set_xlabel("schemas in the registry")
    ax.set_ylabel("per second")
    ax.legend()
    ax.set_title("Throughput as the registry grows")
    fig.tight_layout()
    fig.savefig(path("growth.png"), dpi=110)
    plots.append(("growth.png", "Throughput as the registry grows"))

if plots:
    w("## Plots")
    w("")
    for f, caption in plots:
        w(f"![{caption}]({f})")
        w("")

# --- criterion
w("## Criterion benchmarks")
w("")
w("Mean time per operation (criterion's point estimate) and its inverse. Reproduce with `cargo bench -p llm-schema-registry-benches --bench <suite>`; `BENCH_SUBJECTS` sets the database sizes.")
w("")
root = path("criterion")
rows = []
for dirpath, _, files in os.walk(root):
    if "benchmark.json" in files and os.path.basename(dirpath) == "new":
        b = json.load(open(os.path.join(dirpath, "benchmark.json")))
        e = json.load(open(os.path.join(dirpath, "estimates.json")))
        rows.append((b["group_id"], b.get("function_id") or "", b.get("value_str") or "", e["mean"]["point_estimate"]))


def human(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.3g} {unit}"
    return f"{ns:.3g} ns"


def natural(row):
    return (row[0], row[1], int(row[2]) if row[2].isdigit() else row[2])


current = None
for group, function, value, mean in sorted(rows, key=lambda r: tuple(str(x).zfill(12) if isinstance(x, int) else x for x in natural(r))):
    if group != current:
        if current is not None:
            w("")
        w(f"**{group}**")
        w("")
        w("| benchmark | parameter | mean | per second |")
        w("|---|---:|---:|---:|")
        current = group
    w(f"| {function or value} | {value if function else ''} | {human(mean)} | {fmt(1e9 / mean)} |")
w("")
for log in ("criterion-cache_operations.log", "criterion-database_operations.log"):
    if os.path.exists(path(log)):
        for line in open(path(log)):
            if line.startswith(("single flight:", "sqlite: seeded", "postgres: seeded")):
                w(f"- {line.strip()}")
w("")

if os.path.exists(path("profile.txt")):
    w("## Profile of the cached read (perf, top symbols)")
    w("")
    w("```")
    w(open(path("profile.txt")).read().rstrip())
    w("```")
    w("")
if os.path.exists(path("notes.txt")):
    w("## Notes")
    w("")
    for line in open(path("notes.txt")):
        w(f"- {line.strip()}")
    w("")

with open(path("REPORT.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines[: lines.index("## The cost of growth") if "## The cost of growth" in lines else 40]))
