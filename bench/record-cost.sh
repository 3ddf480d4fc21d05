#!/usr/bin/env bash
# Cost of recording one live stream, side by side with the reference tool, in one run:
#   tiktok-recorder record  (libcurl + our FLV parser + libavformat MP4, plus the event WebSocket and sidecars)
#   ffmpeg -i <flv> -c copy (video only, the usual way recorders do it)
# Both record the same simulated live from one tiktok-sim for DURATION seconds. Prints CPU seconds, CPU % of a
# core and peak RSS for each. Needs: a release build (swift build -c release), ffmpeg, python3, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30}
bin=.build/release
[ -x "$bin/tiktok-sim" ] && [ -x "$bin/tiktok-recorder" ] || { echo "run: swift build -c release" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "ffmpeg missing: apt-get install ffmpeg" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time missing: apt-get install time" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $sim 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin/tiktok-sim" --port 0 --live-after 2 --duration "$DURATION" > "$work/sim.out" 2>/dev/null &
sim=$!
until grep -q listening "$work/sim.out"; do sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$work/sim.out")

/usr/bin/time -f "%U %S %M" -o "$work/recorder.time" \
    "$bin/tiktok-recorder" record sim_creator --base-url "$base" --poll-interval 0.2 --output "$work/ours" > /dev/null &
recorder=$!
# ffmpeg gets the FLV URL the same way: user → room → stream_data.
room=""
until [ -n "$room" ]; do
    room=$(curl -s "$base/api-live/user/room/?uniqueId=sim_creator" | python3 -c \
        'import json,sys; d=json.load(sys.stdin)["data"]; print(d["user"]["roomId"] if d["liveRoom"]["status"]==2 else "")')
    [ -n "$room" ] || sleep 0.2
done
flv=$(curl -s "$base/webcast/room/info/?room_id=$room" | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["data"]["stream_url"]["flv_pull_url"]["SD1"])')
/usr/bin/time -f "%U %S %M" -o "$work/ffmpeg.time" \
    ffmpeg -v error -y -i "$flv" -c copy "$work/ffmpeg.mp4" &
ffmpeg=$!
wait $recorder $ffmpeg

report() {
    read -r user sys rss < "$2"
    python3 - "$1" "$user" "$sys" "$rss" "$DURATION" "$3" <<'PY'
import sys
name, user, sys_, rss, duration, size = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
cpu = user + sys_
print(f"{name:16} cpu {cpu:6.2f} s  ({100 * cpu / duration:5.2f} % of a core)  peak RSS {rss / 1024:6.1f} MiB  output {size / 1048576:5.2f} MiB")
PY
}
echo "one simulated live, ${DURATION} s, 640x360 H.264 + AAC over HTTP-FLV from tiktok-sim"
report "tiktok-recorder" "$work/recorder.time" "$(stat -c %s "$work"/ours/*.mp4)"
report "ffmpeg -c copy" "$work/ffmpeg.time" "$(stat -c %s "$work/ffmpeg.mp4")"
echo "(tiktok-recorder also runs the event WebSocket and writes the .chat.jsonl and .vtt; ffmpeg records video only)"
