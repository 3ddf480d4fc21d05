#!/usr/bin/env bash
# The recorder service at scale, side by side with the stack users run today, in one run on one tiktok-sim:
#
#   ours       ONE `tiktok-recorder run` process watching CREATORS creators, LIVE of whom go live at staggered times
#              in the first minute and stay live, each with chat (signature-free transport, so no sign-server limit).
#   reference  for the same LIVE lives, run after ours (never both at once): one `ffmpeg -c copy` per live on the FLV
#              URL from room info, plus one TikTokLive 7.0.1 Python client per live (PyPI, in bench/.venv), pointed
#              at the simulator by a small wrapper that overrides the library's base URLs at import.
#
# Usage: bench/service-scale.sh [MINUTES]     MINUTES (default 12) bounds the run after the build; a watchdog stops
#                                             it there. A default run takes about 9-10 minutes, 4 of them the start-up
#                                             of the 100 Python clients.
# Knobs (environment):
#   CREATORS (500) LIVE (100)      creators watched, and how many of them go live
#   WINDOW (60)                    seconds of steady measuring, once every live is recorded (ours) or connected (ref.)
#   INTERVAL (60) RPM (600)        the service's watch.interval (s) and watch.requestsPerMinute
#   BITRATE (2000000) WIDTH HEIGHT (1280 720)   the looped test stream of every live
#   CHAT_RATE (1)                  chat messages per second in every live
#   STAGGER (60) FIRST_LIVE (10)   the lives start FIRST_LIVE s after the simulator, spread over STAGGER s
#   WARMUP (5)                     seconds between "all recording / connected" and the window
#   CLIENT_STARTS (4)              TikTokLive clients starting at once (each import costs ~4 s of CPU)
#   SKIP_BUILD=1                   reuse the release build; SCRATCH_PATH picks the build folder (default .build)
#   RECORDER_BIN                   another tiktok-recorder binary to measure (default: the release build's)
#   KEEP=1                         keep the work folder (recordings, logs, ground truth) and print its path
# Needs: swift, ffmpeg and ffprobe (Debian's), curl, python3 with venv (PyPI reachable the first time), awk.
# No network beyond that: everything runs on 127.0.0.1.
#
# What is measured:
# - CPU % of one core: per-thread run time from /proc/PID/task/*/schedstat over the window, summed over the processes
#   of a side; per live = total / LIVE. Private memory: Private_Clean + Private_Dirty of /proc/PID/smaps_rollup at the
#   end of the window, summed; per live = total / LIVE. The simulator's CPU and the whole machine's busy share over each
#   window are printed too.
# - Detection latency (ours): the catalog's first part start of each live creator (catalog.sqlite, parts.started_at)
#   minus the live's start on the simulator's clock, from the ground truth (createTime - mediaTime of the live's first
#   pushed event: media time 0 is the moment the live started). Same machine, same clock.
# - Requests per creator-hour (ours): the simulator's web requests (user lookups, live pages, room info, check_alive,
#   feed, gifts; not the CDN, the sign server or the WebSocket) from the service's start to its stop / CREATORS / hours.
# - Media seconds lost: per live, the media the simulator's CDN served to that side (ground truth streamStart/streamEnd
#   timestamps, overlapping streams merged) minus the video duration of that side's MP4s (ffprobe); summed over lives.
set -euo pipefail

MINUTES=${1:-12}
CREATORS=${CREATORS:-500}
LIVE=${LIVE:-100}
WINDOW=${WINDOW:-60}
INTERVAL=${INTERVAL:-60}
RPM=${RPM:-600}
BITRATE=${BITRATE:-2000000}
WIDTH=${WIDTH:-1280}
HEIGHT=${HEIGHT:-720}
CHAT_RATE=${CHAT_RATE:-1}
STAGGER=${STAGGER:-60}
FIRST_LIVE=${FIRST_LIVE:-10}
WARMUP=${WARMUP:-5}
CLIENT_STARTS=${CLIENT_STARTS:-4}
SCRATCH_PATH=${SCRATCH_PATH:-.build}

cd "$(dirname "$0")/.."
if ((LIVE < 1 || LIVE > CREATORS)); then echo "LIVE ($LIVE) must be between 1 and CREATORS ($CREATORS)" >&2; exit 2; fi
for tool in ffmpeg ffprobe curl python3 awk; do
    command -v "$tool" >/dev/null || { echo "$tool missing (scripts/install-system-packages.sh installs ffmpeg)" >&2; exit 1; }
done

# --- Build. -----------------------------------------------------------------------------------------------------------
SWIFT_ARGS=(-c release --scratch-path "$SCRATCH_PATH")
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    echo "building tiktok-sim and tiktok-recorder (release)..." >&2
    swift build "${SWIFT_ARGS[@]}" --product tiktok-sim >&2
    swift build "${SWIFT_ARGS[@]}" --product tiktok-recorder >&2
fi
BIN_DIR=$(swift build "${SWIFT_ARGS[@]}" --show-bin-path)
SIM_BIN="$BIN_DIR/tiktok-sim"
REC_BIN=${RECORDER_BIN:-"$BIN_DIR/tiktok-recorder"}
[[ -x $SIM_BIN && -x $REC_BIN ]] || { echo "no release tiktok-sim / tiktok-recorder in $BIN_DIR" >&2; exit 1; }

# --- The reference's Python client: TikTokLive 7.0.1 in bench/.venv (as bench/decode-throughput.sh makes it). ------
VENV=bench/.venv
PYTHON_MISSING=""
if ! "$VENV/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("TikTokLive") != "7.0.1")' 2>/dev/null; then
    echo "installing TikTokLive 7.0.1 into $VENV..." >&2
    if ! { python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet 'TikTokLive==7.0.1'; } >&2; then
        PYTHON_MISSING="pip could not install TikTokLive==7.0.1 into $VENV (is PyPI reachable?)"
    fi
fi

# --- Work folder, processes, cleanup, and the time limit. -----------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/service-scale.XXXXXX")
SIM_PID=""
REC_PID=""
WATCHDOG_PID=""
FFMPEG_PIDS=()
PYTHON_PIDS=()
declare -A PY_PID=() PY_TRIES=() PY_CONNECTED=() PY_GAVE_UP=() # the reference's Python clients, by creator
cleanup() {
    local pid
    for pid in $REC_PID "${FFMPEG_PIDS[@]}" "${PY_PID[@]}" $SIM_PID $WATCHDOG_PID; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ ${KEEP:-0} == 1 ]]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'echo "stopped" >&2; exit 130' INT TERM

START=$(date +%s)
DEADLINE=$((START + MINUTES * 60))
(
    sleep $((MINUTES * 60))
    echo "time limit of $MINUTES minutes reached; stopping" >&2
    kill -TERM $$
) &
WATCHDOG_PID=$!
remaining() { echo $((DEADLINE - $(date +%s))); }
now_ms() { date +%s%3N; }
# pause S: sleeps S seconds in a way the watchdog's signal interrupts at once.
pause() {
    sleep "$1" &
    wait $! || true
}

# --- Sampling helpers (as bench/live-cost.sh). ------------------------------------------------------------------------
# cpu_ns PID...: CPU time in nanoseconds summed over the processes' threads (/proc/PID/task/*/schedstat). A vanished
# process counts 0; a thread that ends inside the window loses its time.
cpu_ns() {
    local pid
    for pid in "$@"; do cat /proc/"$pid"/task/*/schedstat 2>/dev/null || true; done | awk '{ s += $1 } END { printf "%.0f\n", s }'
}
# memory PID...: "private_kB rss_kB" summed over the processes.
memory() {
    local private=0 rss=0 pid p r
    for pid in "$@"; do
        p=$(awk '/^Private_(Clean|Dirty):/ { s += $2 } END { printf "%d\n", s }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
        r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
        private=$((private + p))
        rss=$((rss + ${r:-0}))
    done
    echo "$private $rss"
}
# machine: "busy idle" jiffies of all CPUs.
machine() { awk '/^cpu / { idle = $5 + $6; busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, idle }' /proc/stat; }

# join_pids PID...: the pids joined by commas, for measure's groups.
join_pids() {
    local IFS=,
    echo "$*"
}

# measure NAME GROUP... : samples over WINDOW seconds and appends one line per group to $WORK/results:
#   NAME GROUP_LABEL cpu_seconds wall_seconds private_kB rss_kB processes sim_cpu_seconds machine_busy_fraction
# Each GROUP is "label:pid,pid,...".
measure() {
    local name=$1 group label pids
    shift
    local -a c0=() c1=()
    local t0 t1 s0 s1 m0 m1 i=0
    t0=$(date +%s.%N); s0=$(cpu_ns "$SIM_PID"); m0=$(machine)
    for group in "$@"; do
        pids=${group#*:}
        c0+=("$(cpu_ns ${pids//,/ })")
    done
    pause "$WINDOW"
    t1=$(date +%s.%N); s1=$(cpu_ns "$SIM_PID"); m1=$(machine)
    for group in "$@"; do
        pids=${group#*:}
        c1+=("$(cpu_ns ${pids//,/ })")
    done
    for group in "$@"; do
        label=${group%%:*}
        pids=${group#*:}
        local count mem
        count=$(tr ',' '\n' <<<"$pids" | grep -c . || true)
        mem=$(memory ${pids//,/ })
        awk -v name="$name" -v label="$label" -v t0="$t0" -v t1="$t1" -v c="$((c1[i] - c0[i]))" -v s="$((s1 - s0))" \
            -v mem="$mem" -v count="$count" -v m0="$m0" -v m1="$m1" 'BEGIN {
            split(m0, a, " "); split(m1, b, " ")
            busy = (b[1] - a[1]) / ((b[1] - a[1]) + (b[2] - a[2]))
            printf "%s %s %.4f %.3f %s %d %.4f %.4f\n", name, label, c / 1e9, t1 - t0, mem, count, s / 1e9, busy
        }' >>"$WORK/results"
        i=$((i + 1))
    done
}

# --- The scenario: CREATORS creators; LIVE of them (every CREATORS/LIVE-th) go live FIRST_LIVE s after the
# simulator's start, spread over STAGGER s, chat at CHAT_RATE from half a second later, and stay live. ---------------
creator_name() { printf 'scale_creator_%03d' "$1"; }
room_id() { echo $((7300000000000600000 + $1)); }
STRIDE=$((CREATORS / LIVE))
LIVE_INDEXES=()
for ((j = 0; j < LIVE; j++)); do LIVE_INDEXES+=($((j * STRIDE))); done
{
    echo "# Generated by bench/service-scale.sh: $CREATORS creators, $LIVE live."
    echo "encoder: loop"
    echo "creators:"
    j=0
    for ((i = 0; i < CREATORS; i++)); do
        echo "  - uniqueId: $(creator_name "$i")"
        echo "    userId: \"$((6900000000000600000 + i))\""
        echo "    roomId: \"$(room_id "$i")\""
        if ((j < LIVE && i == LIVE_INDEXES[j])); then
            at=$(awk -v f="$FIRST_LIVE" -v s="$STAGGER" -v j="$j" -v n="$LIVE" 'BEGIN { printf "%.2f", f + s * j / n }')
            echo "    width: $WIDTH"
            echo "    height: $HEIGHT"
            echo "    bitrate: $BITRATE"
            echo "    timeline:"
            echo "      - {at: $at, live: }"
            echo "      - {at: $(awk -v a="$at" 'BEGIN { printf "%.2f", a + 0.5 }'), chat: {rate: $CHAT_RATE, for: 86400, script: builtin}}"
            j=$((j + 1))
        else
            echo "    timeline: []"
        fi
    done
} >"$WORK/scenario.yaml"
for i in "${LIVE_INDEXES[@]}"; do echo "$(creator_name "$i") $(room_id "$i")"; done >"$WORK/lives.txt"

"$SIM_BIN" --port 0 --scenario "$WORK/scenario.yaml" --encoder loop --ground-truth "$WORK/truth.jsonl" --log-level error \
    >"$WORK/sim.out" 2>"$WORK/sim.err" &
SIM_PID=$!
for _ in $(seq 300); do
    grep -q '^listening on' "$WORK/sim.out" 2>/dev/null && break
    pause 0.1
done
BASE=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$WORK/sim.out" | head -1)
[[ -n $BASE ]] || { echo "tiktok-sim did not start:" >&2; cat "$WORK/sim.err" >&2; exit 1; }
SIM_START=$(date +%s)
echo "simulator pid $SIM_PID at $BASE: $CREATORS creators, $LIVE live from ${FIRST_LIVE}s over ${STAGGER}s" >&2

# --- Ours: one tiktok-recorder watching everyone. ---------------------------------------------------------------------
{
    echo "# Generated by bench/service-scale.sh."
    echo "output: $WORK/recordings"
    echo "tiktok:"
    echo "  baseURL: $BASE"
    echo "  transport: signature-free"
    echo "watch:"
    echo "  interval: ${INTERVAL}s"
    echo "  requestsPerMinute: $RPM"
    echo "  maxConcurrentRecordings: $LIVE"
    echo "  minimumFreeSpace: 1GB"
    echo "status:"
    echo "  listen: 127.0.0.1:0"
    echo "creators:"
    for ((i = 0; i < CREATORS; i++)); do echo "  - $(creator_name "$i")"; done
} >"$WORK/recorder.yaml"
OURS_START_MS=$(now_ms)
(cd "$WORK" && exec "$REC_BIN" run --config "$WORK/recorder.yaml" >"$WORK/recorder.out" 2>"$WORK/recorder.log") &
REC_PID=$!
STATUS=""
for _ in $(seq 300); do
    port=$(sed -n 's|.*status page on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$WORK/recorder.log" | head -1)
    [[ -n $port ]] && { STATUS="http://127.0.0.1:$port/api/status"; break; }
    kill -0 "$REC_PID" 2>/dev/null || break
    pause 0.1
done
[[ -n $STATUS ]] || { echo "tiktok-recorder did not start:" >&2; tail -20 "$WORK/recorder.log" >&2; exit 1; }
echo "tiktok-recorder pid $REC_PID, status at $STATUS" >&2

# status_counts FILE: "recording_creators recordings_with_media chat_events used_last_minute effective_interval".
status_counts() {
    python3 - "$1" <<'PY'
import json, sys
try:
    status = json.load(open(sys.argv[1]))
except Exception:
    print("0 0 0 0 0")
    sys.exit()
recording = sum(1 for c in status["creators"] if c["state"] == "recording")
with_media = sum(1 for r in status["recordings"] if r["seconds"] > 0)
chat = sum(r["chatEvents"] for r in status["recordings"])
budget = status["budget"]
print(recording, with_media, chat, budget["usedLastMinute"], f'{budget["effectiveInterval"]:.1f}')
PY
}

# Wait until every live is being recorded with media flowing: the last live starts at FIRST_LIVE + STAGGER, and is
# found within one interval (plus a margin); polled once a second, never inside the window.
RAMP_END=$((SIM_START + FIRST_LIVE + STAGGER + INTERVAL + 30))
LAST_REPORT=0
while true; do
    curl -s --max-time 5 -o "$WORK/status.json" "$STATUS" || true
    read -r recording with_media _ used effective < <(status_counts "$WORK/status.json")
    now=$(date +%s)
    if ((now - LAST_REPORT >= 15)); then
        echo "  t=$((now - SIM_START))s: $recording recording ($with_media with media), $used requests in the last minute" \
            "(effective interval ${effective}s)" >&2
        LAST_REPORT=$now
    fi
    ((with_media >= LIVE)) && break
    kill -0 "$REC_PID" 2>/dev/null || { echo "tiktok-recorder exited:" >&2; tail -20 "$WORK/recorder.log" >&2; exit 1; }
    if ((now >= RAMP_END)); then
        echo "  only $with_media of $LIVE lives recorded after $((now - SIM_START)) s; measuring anyway" >&2
        break
    fi
    pause 1
done
OURS_RECORDING=$with_media
echo "ours: $OURS_RECORDING lives recorded at t=$(($(date +%s) - SIM_START))s; ${WARMUP}s warm-up, then ${WINDOW}s window" >&2
pause "$WARMUP"
measure ours "recorder:$REC_PID"
curl -s --max-time 5 -o "$WORK/status-end.json" "$STATUS" || true

# Stop ours: SIGTERM finishes every file (the service gives the recordings 10 s).
kill -TERM "$REC_PID" 2>/dev/null || true
for _ in $(seq 600); do
    kill -0 "$REC_PID" 2>/dev/null || break
    pause 0.1
done
if kill -0 "$REC_PID" 2>/dev/null; then
    echo "tiktok-recorder did not exit within 60 s of SIGTERM; killing it" >&2
    kill -KILL "$REC_PID" 2>/dev/null || true
fi
REC_EXIT=0
wait "$REC_PID" 2>/dev/null || REC_EXIT=$?
REC_PID=""
OURS_END_MS=$(now_ms)
echo "ours stopped (exit status $REC_EXIT)" >&2
pause 2 # let the simulator close the CDN responses (their streamEnd records)

# --- Reference: one ffmpeg per live + one TikTokLive 7.0.1 client per live. -------------------------------------------
# The wrapper points the library at the simulator: the sign server through SIGN_API_URL (TikTokSigner reads it when
# the client is made), the web and webcast base URLs through WebDefaults, which every route reads at call time. The
# WebSocket URL comes from the sign server's fetch result (push_server), as on TikTok. It writes every comment to a
# JSON Lines file, as a user's chat logger does.
cat >"$WORK/ttlive_client.py" <<'PY'
import json
import os
import sys
import time

base, username, out_path = sys.argv[1:4]
os.environ["SIGN_API_URL"] = base

from TikTokLive.client.web.web_settings import WebDefaults  # noqa: E402

WebDefaults.tiktok_app_url = base
WebDefaults.tiktok_webcast_url = base + "/webcast"

from TikTokLive import TikTokLiveClient  # noqa: E402
from TikTokLive.events import CommentEvent, ConnectEvent, DisconnectEvent  # noqa: E402

client = TikTokLiveClient(unique_id=username)
out = open(out_path, "a", buffering=1)


def write(record):
    record["at"] = time.time()
    out.write(json.dumps(record, ensure_ascii=False) + "\n")


@client.on(ConnectEvent)
async def on_connect(event):
    write({"type": "connect", "roomId": str(event.room_id)})


@client.on(CommentEvent)
async def on_comment(event):
    write({"type": "chat", "user": event.user.unique_id if event.user else None, "comment": event.comment})


@client.on(DisconnectEvent)
async def on_disconnect(event):
    write({"type": "disconnect"})


client.run()
PY

# start_client NAME: starts NAME's TikTokLive client in the background (its pid in PY_PID, its tries in PY_TRIES).
start_client() {
    local name=$1
    "$VENV/bin/python" "$WORK/ttlive_client.py" "$BASE" "$name" "$WORK/chat/$name.jsonl" \
        >>"$WORK/chat/$name.out" 2>>"$WORK/chat/$name.err" &
    PY_PID[$name]=$!
    PY_TRIES[$name]=$((${PY_TRIES[$name]:-0} + 1))
}

# start_python_clients: one client per live, CLIENT_STARTS at a time (each import of the library costs about 4 s of
# CPU: started all at once on 2 cores they starve each other and the simulator, and time out); a client that exits
# before connecting is started again, up to 3 tries, as a user's supervisor would. Returns once every client has
# connected (its ConnectEvent is in its chat file) or given up, or when the time left is needed for the window.
# Sets REF_CONNECTED and REF_STARTUP_SECONDS.
start_python_clients() {
    local names=() next=0 starting name now last_report=0 began
    mapfile -t names < <(awk '{ print $1 }' "$WORK/lives.txt")
    began=$(date +%s)
    local connect_end=$((began + $(remaining) - WARMUP - WINDOW - 60))
    while true; do
        starting=0
        for name in "${!PY_PID[@]}"; do
            [[ -n ${PY_CONNECTED[$name]:-} || -n ${PY_GAVE_UP[$name]:-} ]] && continue
            if grep -q '"type": "connect"' "$WORK/chat/$name.jsonl" 2>/dev/null; then
                PY_CONNECTED[$name]=1
            elif kill -0 "${PY_PID[$name]}" 2>/dev/null; then
                starting=$((starting + 1))
            elif ((PY_TRIES[$name] < 3)); then
                start_client "$name"
                starting=$((starting + 1))
            else
                PY_GAVE_UP[$name]=1
            fi
        done
        while ((starting < CLIENT_STARTS && next < ${#names[@]})); do
            start_client "${names[next]}"
            next=$((next + 1))
            starting=$((starting + 1))
        done
        REF_CONNECTED=${#PY_CONNECTED[@]}
        now=$(date +%s)
        if ((now - last_report >= 15)); then
            echo "  t=$((now - began))s: $REF_CONNECTED of ${#names[@]} TikTokLive clients connected," \
                "${#PY_GAVE_UP[@]} gave up after 3 tries" >&2
            last_report=$now
        fi
        ((REF_CONNECTED + ${#PY_GAVE_UP[@]} >= ${#names[@]})) && break
        if ((now >= connect_end)); then
            echo "  out of time: measuring with $REF_CONNECTED of ${#names[@]} clients connected" >&2
            break
        fi
        pause 0.5
    done
    REF_STARTUP_SECONDS=$(($(date +%s) - began))
    echo "reference: $REF_CONNECTED TikTokLive clients connected in $REF_STARTUP_SECONDS s" >&2
}

REF_START_MS=""
REF_END_MS=""
REF_CONNECTED=0
REF_STARTUP_SECONDS=0
if (($(remaining) < WARMUP + WINDOW + 90)); then
    echo "not enough time left for the reference ($(remaining) s); raise MINUTES" >&2
    REF_SKIPPED="not run: not enough of the $MINUTES minutes left"
else
    REF_SKIPPED=""
    REF_START_MS=$(now_ms)
    mkdir -p "$WORK/ffmpeg" "$WORK/chat"
    # ffmpeg on each live's original-quality FLV (the one ours records: the best H.264 rendition), from room info.
    while read -r name room; do
        url=$(curl -s "$BASE/webcast/room/info/?room_id=$room" | grep -o 'http://[^"\\]*/stream-[0-9]*\.flv?[^"\\]*' |
            grep -v only_audio | head -1 || true)
        [[ -n $url ]] || { echo "room $room lists no FLV URL" >&2; continue; }
        ffmpeg -nostdin -v error -y -i "$url" -c copy "$WORK/ffmpeg/$name.mp4" 2>"$WORK/ffmpeg/$name.log" &
        FFMPEG_PIDS+=($!)
    done <"$WORK/lives.txt"
    echo "reference: ${#FFMPEG_PIDS[@]} ffmpeg processes" >&2
    if [[ -z $PYTHON_MISSING ]]; then
        start_python_clients
        if ((REF_CONNECTED == 0)); then
            last_error=$(cat "$WORK"/chat/*.err 2>/dev/null | grep -v '^\s*$' | tail -1 || true)
            PYTHON_MISSING="no TikTokLive client connected to the simulator (last error: ${last_error:-none})"
        fi
        PYTHON_PIDS=("${PY_PID[@]}")
    fi
    pause "$WARMUP"
    groups=("ffmpeg:$(join_pids "${FFMPEG_PIDS[@]}")")
    if ((${#PYTHON_PIDS[@]} > 0)); then groups+=("python:$(join_pids "${PYTHON_PIDS[@]}")"); fi
    measure reference "${groups[@]}"
    for pid in "${FFMPEG_PIDS[@]}" "${PYTHON_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${FFMPEG_PIDS[@]}" "${PYTHON_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    FFMPEG_PIDS=()
    PYTHON_PIDS=()
    PY_PID=()
    REF_END_MS=$(now_ms)
    pause 2
fi

# --- The report. ------------------------------------------------------------------------------------------------------
REPORT_ARGS=(
    --work "$WORK" --creators "$CREATORS" --live "$LIVE" --interval "$INTERVAL" --rpm "$RPM" --window "$WINDOW"
    --ours "$OURS_START_MS" "$OURS_END_MS" --ours-recording "$OURS_RECORDING" --ours-exit "$REC_EXIT"
    --reference "${REF_START_MS:-0}" "${REF_END_MS:-0}" --reference-startup "$REF_STARTUP_SECONDS" --python-missing "$PYTHON_MISSING" --reference-skipped "$REF_SKIPPED"
    --stream "${WIDTH}x${HEIGHT} H.264 at $BITRATE bit/s + AAC, loop encoder, chat $CHAT_RATE/s per live"
)
python3 - "${REPORT_ARGS[@]}" <<'PY'
"""Reads the ground truth, the catalog, the files and the CPU/memory samples, and prints the table."""
import argparse
import glob
import json
import os
import sqlite3
import subprocess
import sys

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
print(row.format(f"detection p50/p99/max s ({len(latencies)} found)", f"{percentile(latencies, 0.5):.1f} / {percentile(latencies, 0.99):.1f}"
                 f" / {max(latencies, default=float('nan')):.1f}", "", "", f"p99 <= {args.interval + 3:g}"))
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
PY
