#!/usr/bin/env bash
# File remux throughput: `tiktok-recorder remux big.flv out.mp4` (our FLV parser + repairing pipeline + libavformat
# fragmented MP4) side by side with `ffmpeg -c copy` (libavformat's FLV demuxer + plain MP4) on the same large FLV.
#
# Usage: bench/remux-throughput.sh
# Knobs (environment): TARGET_MB (input size, default 1000) RUNS (per tool, default 3) BENCH_CACHE (where the FLV is
# kept between runs, default $TMPDIR/tiktok-recorder-bench) SKIP_BUILD=1 (use the existing release build).
# Needs: ffmpeg and ffprobe (Debian's), GNU time (/usr/bin/time, apt-get install time), awk. No network.
#
# The FLV: 20 s of 1280x720 30 fps H.264 (libx264, 3 Mbit/s, 2 s GOP) + AAC from ffmpeg's lavfi test sources,
# encoded once and looped with `-stream_loop -c copy` to TARGET_MB, cached. The tools then run alternately, RUNS
# times each, page cache warm, output on the same disk as the input. Reported: best wall MB/s (input bytes / wall),
# CPU seconds (user + sys) of that run, and ours / ffmpeg. Both outputs are checked to carry the same number of video
# and audio packets as the input, so both did the same work.
set -euo pipefail

TARGET_MB=${TARGET_MB:-1000}
RUNS=${RUNS:-3}
CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/tiktok-recorder-bench}

cd "$(dirname "$0")/.."
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || { echo "ffmpeg/ffprobe missing: apt-get install ffmpeg" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time missing: apt-get install time" >&2; exit 1; }

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    echo "building tiktok-recorder (release)..." >&2
    swift build -c release --product tiktok-recorder >&2
fi
RECORDER="$(swift build -c release --show-bin-path)/tiktok-recorder"
[ -x "$RECORDER" ] || { echo "no release tiktok-recorder at $RECORDER" >&2; exit 1; }

# --- The input, made once and cached (not in git). -------------------------------------------------------------------
mkdir -p "$CACHE"
CLIP="$CACHE/clip-720p-3M-20s.flv"
BIG="$CACHE/big-720p-3M-${TARGET_MB}MB.flv"
if [[ ! -s $CLIP ]]; then
    echo "encoding the 20 s 720p clip (once)..." >&2
    ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=44100" \
        -t 20 -c:v libx264 -preset veryfast -b:v 3M -maxrate 3M -bufsize 6M -g 60 -keyint_min 60 -sc_threshold 0 \
        -pix_fmt yuv420p -c:a aac -b:a 128k -ac 2 "$CLIP.tmp.flv"
    mv "$CLIP.tmp.flv" "$CLIP"
fi
if [[ ! -s $BIG ]]; then
    clip_bytes=$(stat -c %s "$CLIP")
    loops=$(((TARGET_MB * 1000000 + clip_bytes - 1) / clip_bytes - 1))
    echo "looping the clip $((loops + 1)) times into $BIG (once)..." >&2
    ffmpeg -v error -y -stream_loop "$loops" -i "$CLIP" -c copy "$BIG.tmp.flv"
    mv "$BIG.tmp.flv" "$BIG"
fi
INPUT_BYTES=$(stat -c %s "$BIG")

WORK=$(mktemp -d "$CACHE/run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
OURS="$WORK/ours.mp4"
THEIRS="$WORK/ffmpeg.mp4"

# --- Runs: alternate the tools; warm the page cache first. -----------------------------------------------------------
cat "$BIG" >/dev/null
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# run NAME COMMAND...: appends "NAME wall user sys" to $WORK/results.
run() {
    local name=$1
    shift
    rm -f "$OURS" "$THEIRS"
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$WORK/time" "$@" >"$WORK/$name.log" 2>&1 || {
        echo "$name failed:" >&2
        cat "$WORK/$name.log" >&2
        exit 1
    }
    end=$(date +%s.%N)
    echo "$name $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }') $(cat "$WORK/time")" >>"$WORK/results"
}
for ((i = 1; i <= RUNS; i++)); do
    echo "run $i/$RUNS..." >&2
    run ours "$RECORDER" remux "$BIG" "$OURS" --overwrite
    run ffmpeg ffmpeg -v error -y -i "$BIG" -c copy "$THEIRS"
done

# --- Equal work: packet counts of the input and of the last outputs (one more run of each, kept). -------------------
"$RECORDER" remux "$BIG" "$OURS" --overwrite >/dev/null 2>&1
ffmpeg -v error -y -i "$BIG" -c copy "$THEIRS"
# packets FILE: "video=N audio=M"
packets() {
    ffprobe -v error -count_packets -show_entries stream=codec_type,nb_read_packets -of csv=p=0 "$1" |
        awk -F, '{ n[$1] += $2 } END { printf "video=%d audio=%d", n["video"], n["audio"] }'
}
IN_PACKETS=$(packets "$BIG")
OUR_PACKETS=$(packets "$OURS")
THEIR_PACKETS=$(packets "$THEIRS")
OUR_FILES=$(find "$WORK" -name 'ours*.mp4' | wc -l)

echo
echo "input: $BIG, $((INPUT_BYTES / 1000000)) MB, $(ffprobe -v error -show_entries format=duration -of csv=p=0 "$BIG" | cut -d. -f1) s (1280x720 H.264 3 Mbit/s + AAC), $RUNS runs each, load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "packets: input $IN_PACKETS | tiktok-recorder $OUR_PACKETS ($OUR_FILES file) | ffmpeg $THEIR_PACKETS"
awk -v bytes="$INPUT_BYTES" '
    { wall = $2; cpu = $3 + $4
      if (!($1 in best) || wall < best[$1]) { best[$1] = wall; bestcpu[$1] = cpu }
      if (!($1 in mincpu) || cpu < mincpu[$1]) mincpu[$1] = cpu
      all[$1] = all[$1] sprintf(" %.2f", wall) }
    END {
        printf "%-22s %10s %10s %12s %12s  %s\n", "tool", "best MB/s", "wall s", "CPU s (best)", "CPU s (min)", "all walls"
        label["ours"] = "tiktok-recorder remux"; label["ffmpeg"] = "ffmpeg -c copy"
        split("ours ffmpeg", order, " ")
        for (i = 1; i <= 2; i++) if ((t = order[i]) in best)
            printf "%-22s %10.0f %10.2f %12.2f %12.2f %s\n", label[t], bytes / best[t] / 1e6, best[t], bestcpu[t], mincpu[t], all[t]
        if (("ours" in best) && ("ffmpeg" in best))
            printf "ratio ours/ffmpeg: throughput %.2f, CPU seconds %.2f (goal: throughput >= 1)\n", best["ffmpeg"] / best["ours"], mincpu["ours"] / mincpu["ffmpeg"]
    }' "$WORK/results"
if [[ $IN_PACKETS != "$OUR_PACKETS" || $IN_PACKETS != "$THEIR_PACKETS" || $OUR_FILES != 1 ]]; then
    echo "WARNING: the outputs do not carry the same packets as the input (or ours was split): not equal work" >&2
    exit 3
fi
