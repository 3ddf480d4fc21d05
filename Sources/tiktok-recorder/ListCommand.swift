import ArgumentParser
import Foundation
import TikTokRecorder

/// `tiktok-recorder list`: what the catalog holds.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Print the recorded sessions, their parts and files, from the catalog under the output folder."
    )

    @Option(name: .customLong("config"), help: "The configuration file (for its output folder).")
    var configurationFile = "config/recorder.yaml"

    @Option(help: "The output folder (instead of the configuration's).")
    var output: String?

    @Option(help: "Only this creator's sessions.")
    var creator: String?

    @Option(help: "At most this many sessions, newest first.")
    var limit = 50

    func run() async throws {
        let output = try self.output ?? RunCommand.load(self.configurationFile).output
        let path = (output as NSString).appendingPathComponent("catalog.sqlite")
        guard FileManager.default.fileExists(atPath: path) else {
            print("nothing recorded yet: no catalog at \(path)")
            return
        }
        let catalog = try await SQLiteCatalog.open(path: path)
        do {
            let creator = self.creator.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }
            let sessions = try await catalog.sessions(CatalogFilter(creator: creator, limit: self.limit, newestFirst: true))
            var parts: [SessionID: [PartRecord]] = [:]
            for session in sessions { parts[session.id] = try await catalog.parts(session: session.id) }
            print(CatalogListing.text(sessions, parts: parts), terminator: "")
        } catch {
            try? await catalog.close()
            throw error
        }
        try await catalog.close()
    }
}
