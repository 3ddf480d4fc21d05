#!/usr/bin/env python3
"""The table of bench/service-scale.sh: reads what a run left in its work folder and prints the figures.

Inputs (in --work): lives.txt (creator and room id of every live), truth.jsonl (the simulator's ground truth),
recordings/catalog.sqlite and the MP4s it names (ours), ffmpeg/*.mp4 (the reference), chat/*.jsonl (the TikTokLive
clients' chat), results (CPU and memory samples, one line per side and group), status-end.json (ours' status API at the
end of its window). The phases' start and end (Unix ms) come as arguments. Uses only the standard library and ffprobe.
"""
import argparse
import glob
import json
import os
import sqlite3
import subprocess

parser = argparse.ArgumentParser()
parser.add_argument("--work")
parser.add_argument("--creators", type=int)
parser.add_argument("--live", type=int)
parser.add_argument("--interval", type=float)
parser.add_argument("--rpm", type=int)
parser.add_argument("--window", type=float)
parser.add_argument("--ours", type=int, nargs=2)
parser.add_argument("--ours-recording", type=int)
parser.add_argument("--ours-exit", type=int)
parser.add_argument("--reference", type=int, nargs=2)
parser.add_argument("--reference-startup", type=int, default=0)
parser.add_argument("--python-missing", default="")
parser.add_argument("--reference-skipped", default="")
parser.add_argument("--stream")
args = parser.parse_args()
work = args.work

# Web endpoints: what a request budget counts (not the CDN, the sign server, the ttwid page or the WebSocket).
WEB_PREFIXES = ("/api-live/user/room", "/@", "/webcast/room/", "/webcast/gift/", "/webcast/wallet_api/", "/webcast/feed/")

lives = [line.split() for line in open(os.path.join(work, "lives.txt")) if line.strip()]
room_of = dict(lives)
live_start = {}  # room id -> Unix seconds of media time 0
web_requests = []  # Unix seconds, during ours
streams = {}  # index -> {room, start_t, first, last}
for line in open(os.path.join(work, "truth.jsonl")):
    record = json.loads(line)
    kind = record["kind"]
    if kind == "event" and "roomId" in record and record["roomId"] not in live_start:
        live_start[record["roomId"]] = record["createTime"] / 1000 - record["mediaTime"]
    elif kind == "request":
        if args.ours[0] <= record["t"] <= args.ours[1] and record["path"].startswith(WEB_PREFIXES):
            web_requests.append(record["t"] / 1000)
    elif kind == "streamStart":
        streams[record["stream"]] = {"room": record["roomId"], "t": record["t"], "first": record["firstTimestamp"], "last": None}
    elif kind == "streamEnd" and record["stream"] in streams:
        streams[record["stream"]]["last"] = record.get("lastTimestamp")


def served_seconds(room, phase):
    """Media seconds the CDN served for `room` to streams started inside `phase` (ms), overlaps merged."""
    spans = sorted(
        (s["first"], s["last"]) for s in streams.values()
        if s["room"] == room and s["last"] is not None and phase[0] <= s["t"] <= phase[1]
    )
    total, end = 0, None
    for first, last in spans:
        if end is None or first > end:
            total += last - first
            end = last
        elif last > end:
            total += last - end
            end = last
    return total / 1000


def video_seconds(path):
    """The video stream's duration by ffprobe (the container's when the stream has none); 0 if unreadable."""
    for entry in ("stream=duration", "format=duration"):
        command = ["ffprobe", "-v", "error", "-of", "csv=p=0", "-show_entries", entry]
        if entry.startswith("stream"):
            command += ["-select_streams", "v:0"]
        try:
            text = subprocess.run(command + [path], capture_output=True, text=True, timeout=60).stdout.strip()
            return float(text.splitlines()[0])
        except (ValueError, IndexError, subprocess.TimeoutExpired):
            continue
    return 0.0


def percentile(values, fraction):
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))
    return ordered[min(rank, len(ordered)) - 1]


# Ours: the catalog's sessions, parts and files.
catalog = os.path.join(work, "recordings", "catalog.sqlite")
first_part, files_of, sessions_of = {}, {}, {}
if os.path.exists(catalog):
    db = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    for creator, started in db.execute(
        "SELECT s.creator, MIN(p.started_at) FROM sessions s JOIN parts p ON p.session_id = s.id GROUP BY s.creator"
    ):
        first_part[creator] = started
    for creator, count in db.execute("SELECT creator, COUNT(*) FROM sessions GROUP BY creator"):
        sessions_of[creator] = count
    for creator, path in db.execute(
        "SELECT s.creator, f.path FROM part_files f JOIN parts p ON p.id = f.part_id JOIN sessions s ON s.id = p.session_id"
    ):
        if path.endswith(".mp4"):
            files_of.setdefault(creator, []).append(os.path.join(work, "recordings", path))
    db.close()

latencies = [first_part[name] - live_start[room] for name, room in lives if name in first_part and room in live_start]
phantoms = sorted(set(sessions_of) - set(room_of))


def loss(phase, files_for):
    """(seconds lost summed over lives, seconds served, lives with a readable MP4 of more than 1 s)."""
    lost = served_total = 0.0
    recorded = 0
    for name, room in lives:
        served = served_seconds(room, phase)
        written = sum(video_seconds(path) for path in files_for(name))
        recorded += written > 1
        served_total += served
        lost += max(0.0, served - written)
    return lost, served_total, recorded


ours_lost, ours_served, ours_recorded = loss(args.ours, lambda name: files_of.get(name, []))
reference_ran = args.reference[1] > 0
if reference_ran:
    ref_lost, ref_served, ref_recorded = loss(args.reference, lambda name: glob.glob(os.path.join(work, "ffmpeg", name + ".mp4")))

# CPU and memory samples.
samples = {}
for line in open(os.path.join(work, "results")):
    name, label, cpu, wall, private, rss, count, sim, busy = line.split()
    samples[(name, label)] = dict(
        cpu=float(cpu), wall=float(wall), private=int(private), rss=int(rss), count=int(count), sim=float(sim), busy=float(busy)
    )
live = args.live
# Ours per live: over the lives being recorded when the window began (all LIVE unless detection fell short).
ours_lives = max(1, args.ours_recording)
ours = samples[("ours", "recorder")]
ours_cpu = 100 * ours["cpu"] / ours["wall"]
ours_mem = ours["private"] / 1024

# Events: ours from the status API at the end of the window; the reference from the clients' chat files.
try:
    status = json.load(open(os.path.join(work, "status-end.json")))
    ours_chat = sum(r["chatEvents"] for r in status["recordings"])
    used_last_minute = status["budget"]["usedLastMinute"]
except Exception:
    ours_chat, used_last_minute = 0, 0
python_chat = python_connected = 0
for path in glob.glob(os.path.join(work, "chat", "*.jsonl")):
    for line in open(path):
        python_chat += '"type": "chat"' in line
        python_connected += '"type": "connect"' in line

hours = (args.ours[1] - args.ours[0]) / 1000 / 3600
web_requests.sort()
most_in_a_minute, first = 0, 0
for last in range(len(web_requests)):
    while web_requests[last] - web_requests[first] >= 60:
        first += 1
    most_in_a_minute = max(most_in_a_minute, last - first + 1)

print()
print(f"recorder service at scale: {args.creators} creators watched, {live} live ({args.stream}); "
      f"interval {args.interval:g} s, budget {args.rpm}/min")
print(f"{os.cpu_count()} cores; window {args.window:g} s; load average at the end: {open('/proc/loadavg').read().split()[:3]}")
row = "{:<34} {:>22} {:>30} {:>8}  {}"
print(row.format("", "ours", "reference", "ratio", "goal"))
print(row.format("", "1 tiktok-recorder", f"{live} ffmpeg + {live} TikTokLive", "", ""))

if reference_ran:
    ff = samples.get(("reference", "ffmpeg"))
    py = samples.get(("reference", "python"))
    ref_cpu_parts = [100 * s["cpu"] / s["wall"] for s in (ff, py) if s]
    ref_mem_parts = [s["private"] / 1024 for s in (ff, py) if s]
    ref_cpu, ref_mem = sum(ref_cpu_parts), sum(ref_mem_parts)
    ff_cpu, ff_mem = 100 * ff["cpu"] / ff["wall"], ff["private"] / 1024
    py_text = f"py {100 * py['cpu'] / py['wall'] / live:.2f}" if py else "py missing"
    py_mem_text = f"py {py['private'] / 1024 / live:.1f}" if py else "py missing"
    ours_cpu_live, ref_cpu_live = ours_cpu / ours_lives, ref_cpu / live
    ours_mem_live, ref_mem_live = ours_mem / ours_lives, ref_mem / live
    print(row.format("CPU % of a core per live", f"{ours_cpu_live:.3f}",
                     f"{ref_cpu_live:.3f} (ffm {ff_cpu / live:.2f}, {py_text})",
                     f"{ours_cpu_live / ref_cpu_live:.3f}" if ref_cpu else "-", "ratio <= 0.20"))
    print(row.format("private MiB per live", f"{ours_mem_live:.2f}",
                     f"{ref_mem_live:.1f} (ffm {ff_mem / live:.1f}, {py_mem_text})",
                     f"{ours_mem_live / ref_mem_live:.3f}" if ref_mem else "-", "ratio <= 0.10"))
    print(row.format("CPU % of a core, all lives", f"{ours_cpu:.1f}", f"{ref_cpu:.1f}", "", "ours < 100 (one core)"))
    print(row.format("private MiB, all lives", f"{ours_mem:.0f}", f"{ref_mem:.0f}", "", ""))
    print(row.format("machine busy % in the window", f"{100 * ours['busy']:.0f}", f"{100 * ff['busy']:.0f}", "", "100 = every core"))
    print(row.format("simulator CPU % in the window", f"{100 * ours['sim'] / ours['wall']:.1f}",
                     f"{100 * ff['sim'] / ff['wall']:.1f}", "", ""))
    print(row.format("lives recorded (MP4 > 1 s)", f"{ours_recorded}/{live}", f"{ref_recorded}/{live}", "", ""))
    print(row.format("media seconds lost (sum)", f"{ours_lost:.1f} of {ours_served:.0f}",
                     f"{ref_lost:.1f} of {ref_served:.0f}", "", "0 (a stop may cost up to 0.3 s a live)"))
    print(row.format("chat events written (with history)", f"{ours_chat}", f"{python_chat} ({python_connected} connected)"
                     if py else "-", "", ""))
else:
    print(row.format("CPU % of a core per live", f"{ours_cpu / ours_lives:.3f}", "-", "-", ""))
    print(row.format("private MiB per live", f"{ours_mem / ours_lives:.2f}", "-", "-", ""))
    print(row.format("CPU % of a core, all lives", f"{ours_cpu:.1f}", "-", "", "ours < 100 (one core)"))
    print(row.format("machine busy % in the window", f"{100 * ours['busy']:.0f}", "-", "", ""))
    print(row.format("lives recorded (MP4 > 1 s)", f"{ours_recorded}/{live}", "-", "", ""))
    print(row.format("media seconds lost (sum)", f"{ours_lost:.1f} of {ours_served:.0f}", "-", "", ""))
detection = f"{percentile(latencies, 0.5):.1f} / {percentile(latencies, 0.99):.1f} / {max(latencies, default=float('nan')):.1f}"
print(row.format(f"detection p50/p99/max s ({len(latencies)} found)", detection, "", "", f"p99 <= {args.interval + 3:g}"))
print(row.format("web requests per creator-hour", f"{len(web_requests) / args.creators / hours:.1f}", "", "",
                 f"budget: {args.rpm * 60 / args.creators:.0f}"))
print(row.format("web requests, most in any minute", f"{most_in_a_minute}", "", "", f"<= {args.rpm}"))
print()
print(f"ours: {len(latencies)} lives detected ({args.ours_recording} recording when the window began), "
      f"{len(phantoms)} sessions of creators never live, exit status {args.ours_exit} after SIGTERM; "
      f"{len(web_requests)} web requests in {hours * 60:.1f} min; status API: {used_last_minute} used in the last minute.")
if args.ours_recording < live:
    print(f"WARNING: ours was recording only {args.ours_recording} of the {live} lives when its window began; its per-live "
          f"figures are over those {args.ours_recording}, and detection covers only the lives it found.")
print("detection = the catalog's first part start minus the live's start on the simulator (ground truth); "
      "CPU and memory per live = the side's total / lives.")
if reference_ran and python_connected:
    print(f"reference: {python_connected} TikTokLive clients connected {args.reference_startup} s after the first started "
          f"(the start-up is outside the window).")
if args.reference_skipped:
    print(f"reference: {args.reference_skipped}")
elif args.python_missing:
    print(f"reference: THE PYTHON HALF IS MISSING: {args.python_missing}; the reference is ffmpeg alone.")
