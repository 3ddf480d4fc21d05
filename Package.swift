// swift-tools-version: 6.2
import PackageDescription

/// Settings shared by every Swift target.
let swiftSettings: [SwiftSetting] = [
    // SE-0335: spell out existential types (`any P`), so protocol-typed values are visible at a glance.
    .enableUpcomingFeature("ExistentialAny"),
    // SE-0444: a file sees only the members of modules it imports itself.
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "tiktok-recorder",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tiktok-recorder", targets: ["tiktok-recorder"]),
        .executable(name: "tiktok-sim", targets: ["tiktok-sim"]),
        .library(name: "TikTokLive", targets: ["TikTokLive"]),
        .library(name: "LiveMedia", targets: ["LiveMedia"]),
        .library(name: "ChatTimeline", targets: ["ChatTimeline"]),
        .library(name: "TikTokRecorder", targets: ["TikTokRecorder"]),
        .library(name: "RecorderHTTP", targets: ["RecorderHTTP"]),
        .library(name: "TikTokSimulator", targets: ["TikTokSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        // YAML scenario files for the simulator and the recorder's configuration file.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        // The catalog: SQL through sql-kit, on the embedded SQLite that sqlite-nio carries (PostgreSQL later).
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
    ],
    targets: [
        // MARK: - C libraries (Debian: libavformat-dev libavcodec-dev libavutil-dev libcurl4-openssl-dev zlib1g-dev)
        .systemLibrary(
            name: "CLibAV",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev"])]
        ),
        .target(name: "CLibAVShims", dependencies: ["CLibAV"]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: - Swift modules
        .target(
            name: "CurlTransport",
            dependencies: ["CCurl"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TikTokLive",
            dependencies: [
                "CurlTransport", "CZlib",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "WSCore", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSOCKS", package: "swift-nio-extras"),
            ],
            exclude: ["Protos"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LiveMedia",
            dependencies: [
                "CLibAV", "CLibAVShims", "CurlTransport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChatTimeline",
            dependencies: ["TikTokLive"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TikTokRecorder",
            dependencies: [
                "TikTokLive", "LiveMedia", "ChatTimeline", "CurlTransport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RecorderHTTP",
            dependencies: [
                "TikTokRecorder",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TikTokSimulator",
            dependencies: [
                "TikTokLive", "LiveMedia", "CurlTransport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tiktok-sim",
            dependencies: [
                "TikTokSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tiktok-recorder",
            dependencies: [
                "TikTokRecorder", "RecorderHTTP", "TikTokSimulator", "TikTokLive", "LiveMedia",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "livemedia-bench",
            dependencies: ["LiveMedia", "CurlTransport"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tiktoklive-bench",
            dependencies: [
                "TikTokLive",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests
        .testTarget(
            name: "TikTokLiveTests",
            dependencies: [
                "TikTokLive", "CurlTransport", "TikTokSimulator",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LiveMediaTests", dependencies: ["LiveMedia"], swiftSettings: swiftSettings),
        .testTarget(name: "ChatTimelineTests", dependencies: ["ChatTimeline"], swiftSettings: swiftSettings),
        .testTarget(name: "TikTokRecorderTests", dependencies: ["TikTokRecorder"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TikTokRecorder", "RecorderHTTP", "TikTokSimulator", "LiveMedia", "ChatTimeline", "TikTokLive",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
