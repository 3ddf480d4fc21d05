#!/usr/bin/env bash
# The recorder service at scale, side by side with the stack users run today, in one run on one tiktok-sim:
#
#   ours       ONE `tiktok-recorder run` process watching CREATORS creators, LIVE of whom go live at staggered times
#              in the first minute and stay live, each with chat (signature-free transport, so no sign-server limit).
#   reference  for the same LIVE lives, run after ours (never both at once): one `ffmpeg -c copy` per live on the FLV
#              URL from room info, plus one TikTokLive 7.0.1 Python client per live (PyPI, in bench/.venv), pointed
#              at the simulator by a small wrapper that overrides the library's base URLs at import.
#
# Usage: bench/service-scale.sh [MINUTES]     MINUTES (default 18) bounds the run after the build; a watchdog stops
#                                             it there. A default run takes about 13 minutes: ours about 3.5, then the
#                                             start-up of the 100 Python clients about 8 (every process imports
#                                             TikTokLive: ~4 s of CPU each on this 2-core machine), the window, the table.
# Knobs (environment):
#   CREATORS (500) LIVE (100)      creators watched, and how many of them go live
#   WINDOW (60)                    seconds of steady measuring, once every live is recorded (ours) or connected (ref.)
#   INTERVAL (60) RPM (600)        the service's watch.interval (s) and watch.requestsPerMinute
#   BITRATE (2000000) WIDTH HEIGHT (1280 720)   the looped test stream of every live
#   CHAT_RATE (1)                  chat messages per second in every live
#   STAGGER (60) FIRST_LIVE (10)   the lives start FIRST_LIVE s after the simulator, spread over STAGGER s
#   WARMUP (5)                     seconds between "all recording / connected" and the window
#   CLIENT_STARTS (6)              TikTokLive clients starting at once (each import costs ~4 s of CPU)
#   SKIP_BUILD=1                   reuse the release build; SCRATCH_PATH picks the build folder (default .build)
#   RECORDER_BIN                   another tiktok-recorder binary to measure (default: the release build's)
#   KEEP=1                         keep the work folder (recordings, logs, ground truth) and print its path
# Needs: swift, ffmpeg and ffprobe (Debian's), curl, python3 with venv (PyPI reachable the first time), awk.
# No network beyond that: everything runs on 127.0.0.1.
#
# What is measured:
# - CPU % of one core: per-thread run time from /proc/PID/task/*/schedstat over the window, summed over the processes
#   of a side. Private memory: Private_Clean + Private_Dirty of /proc/PID/smaps_rollup at the end of the window, summed.
#   Per live = total / LIVE (ours: / the lives it was recording when its window began, with a warning if fewer). The
#   simulator's CPU and the whole machine's busy share over each window are printed too.
# - Detection latency (ours): the catalog's first part start of each live creator (catalog.sqlite, parts.started_at)
#   minus the live's start on the simulator's clock, from the ground truth (createTime - mediaTime of the live's first
#   pushed event: media time 0 is the moment the live started). Same machine, same clock.
# - Requests per creator-hour (ours): the simulator's web requests (user lookups, live pages, room info, check_alive,
#   feed, gifts; not the CDN, the sign server or the WebSocket) from the service's start to its stop / CREATORS / hours.
# - Media seconds lost: per live, the media the simulator's CDN served to that side (ground truth streamStart/streamEnd
#   timestamps, overlapping streams merged) minus the video duration of that side's MP4s (ffprobe); summed over lives.
set -euo pipefail

MINUTES=${1:-18}
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
CLIENT_STARTS=${CLIENT_STARTS:-6}
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


# The simulator's first fetch holds every message of the live so far (TikTok's a few recent ones): a client joining a
# live that has run for minutes would parse hundreds of them. Skipping them shortens the start-up, not the window.
client.run(process_connect_events=False)
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

# --- The report: bench/service-scale-report.py reads the work folder (its arguments are kept in report.args). ------
REPORT_ARGS=(
    --work "$WORK" --creators "$CREATORS" --live "$LIVE" --interval "$INTERVAL" --rpm "$RPM" --window "$WINDOW"
    --ours "$OURS_START_MS" "$OURS_END_MS" --ours-recording "$OURS_RECORDING" --ours-exit "$REC_EXIT"
    --reference "${REF_START_MS:-0}" "${REF_END_MS:-0}" --reference-startup "$REF_STARTUP_SECONDS"
    --python-missing "$PYTHON_MISSING" --reference-skipped "$REF_SKIPPED"
    --stream "${WIDTH}x${HEIGHT} H.264 at $BITRATE bit/s + AAC, loop encoder, chat $CHAT_RATE/s per live"
)
printf '%q ' "${REPORT_ARGS[@]}" >"$WORK/report.args"
python3 bench/service-scale-report.py "${REPORT_ARGS[@]}"
