// Decode-throughput benchmark for TikTokLive; see bench/decode-throughput.sh.
print("not written yet")
