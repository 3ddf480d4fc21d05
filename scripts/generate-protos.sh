#!/usr/bin/env bash
# Regenerates Sources/TikTokLive/Generated/*.pb.swift from Sources/TikTokLive/Protos/*.proto.
# Needs Debian's protobuf-compiler; builds protoc-gen-swift from the swift-protobuf version this package resolved,
# so the generated code always matches the runtime it links against. The generated files are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || { echo "protoc not found: apt-get install protobuf-compiler" >&2; exit 1; }
swift package resolve
checkout=.build/checkouts/swift-protobuf
scratch=.build-protoc-gen-swift
swift build -c release --package-path "$checkout" --scratch-path "$scratch" --product protoc-gen-swift
plugin="$scratch/release/protoc-gen-swift"
rm -f Sources/TikTokLive/Generated/*.pb.swift
protoc --plugin=protoc-gen-swift="$plugin" \
    --swift_out=Sources/TikTokLive/Generated \
    --swift_opt=Visibility=Public \
    -I Sources/TikTokLive/Protos \
    Sources/TikTokLive/Protos/*.proto
echo "generated: $(ls Sources/TikTokLive/Generated)"
