import ArgumentParser

/// `tiktok-recorder`: records TikTok LIVE video with its chat on the video's timeline.
@main
struct TikTokRecorderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiktok-recorder",
        abstract: "Record TikTok LIVE to MP4 with chat, gifts and events synced to the video.",
        subcommands: [
            RunCommand.self, ListCommand.self, DemoCommand.self, RecordCommand.self, ReplayCommand.self, RemuxCommand.self,
        ]
    )
}
