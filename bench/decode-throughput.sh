#!/usr/bin/env bash
# Event decode throughput, side by side with the reference library, in one run:
#   tiktoklive-bench (release build; PushFrameDecoder (push frame → gzip → ProtoMessageFetchResult → LiveEvent) and
#                     GiftStreakTracker, the same public calls the client's event feed makes)
#   TikTokLive 7.0.1 (Python, PyPI) through its own path: WebcastPushFrame().parse, extract_webcast_response_message
#                     (gzip + ProtoMessageFetchResult), TikTokLiveClient._parse_webcast_response (event lookup,
#                     betterproto2 parse of each payload, follow/share/control custom events)
# Both decode the same file of realistic gzipped `msg` push frames built from the real captured payloads in
# ../shared/tiktok-fixtures (likes, chat, joins, Rose streaks, viewer counts with top viewers, shares; 4–16 messages per
# frame). Events = messages decoded. Each side runs single-threaded, pinned to one core when taskset exists, for at
# least DURATION seconds of CPU time; events/s is events per CPU second.
# Needs: swift, python3 (with venv), network access to PyPI the first time. The venv (bench/.venv) and the frames
# (bench/frames/) stay out of git.
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES=${FRAMES:-1000}
SECONDS_EACH=${DURATION:-10}
FIXTURES=${FIXTURES:-../shared/tiktok-fixtures}
[ -d "$FIXTURES" ] || { echo "fixtures not found at $FIXTURES: check out shared/ next to the repository or set FIXTURES" >&2; exit 1; }

if ! build=$(swift build -c release --product tiktoklive-bench 2>&1); then echo "$build" >&2; exit 1; fi
bench=.build/release/tiktoklive-bench

venv=bench/.venv
if ! "$venv/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("TikTokLive") != "7.0.1")' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'TikTokLive==7.0.1'
fi

pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)

mkdir -p bench/frames
frames=bench/frames/decode-frames.bin
"$bench" generate --fixtures "$FIXTURES" --output "$frames" --frames "$FRAMES"

ours=$("${pin[@]}" "$bench" decode "$frames" --min-seconds "$SECONDS_EACH")
echo "tiktoklive-bench:  $ours"

theirs=$("${pin[@]}" "$venv/bin/python" - "$frames" "$SECONDS_EACH" <<'PY'
import asyncio
import struct
import sys
import time

from TikTokLive import TikTokLiveClient
from TikTokLive.client.ws.ws_utils import extract_webcast_response_message
from TikTokLive.proto import WebcastPushFrame

path, min_seconds = sys.argv[1], float(sys.argv[2])
with open(path, "rb") as handle:
    data = handle.read()
frames, offset = [], 0
while offset + 4 <= len(data):
    (length,) = struct.unpack(">I", data[offset:offset + 4])
    frames.append(data[offset + 4:offset + 4 + length])
    offset += 4 + length


async def run() -> None:
    client = TikTokLiveClient(unique_id="@bench")
    events = 0
    start, wall = time.process_time(), time.perf_counter()
    while True:
        for frame in frames:
            # The library's own WebSocket loop (ws_connect.py) does exactly this per received message.
            push_frame = WebcastPushFrame().parse(frame)
            if push_frame.payload_type != "msg":
                continue
            response = extract_webcast_response_message(push_frame)
            async for _ in client._parse_webcast_response(response):
                pass
            events += len(response.messages)
            if time.process_time() - start >= min_seconds:
                seconds = time.process_time() - start
                print(f"events {events} cpu_seconds {seconds:.3f} wall_seconds {time.perf_counter() - wall:.3f}"
                      f" events_per_second {int(events / seconds)}")
                return


asyncio.run(run())
PY
)
echo "TikTokLive 7.0.1:  $theirs"

rate() { sed -n 's/.*events_per_second \([0-9]*\).*/\1/p' <<<"$1"; }
python3 -c "import sys; ours, theirs = int(sys.argv[1]), int(sys.argv[2]); print(f'ratio: {ours / theirs:.1f}x (goal: at least 100x)')" \
    "$(rate "$ours")" "$(rate "$theirs")"
