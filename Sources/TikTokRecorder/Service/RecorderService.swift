import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The recorder service as a `Service`: the catalog, the ``Watcher``, and configuration reloads (on SIGHUP and
/// when the file changes).
///
/// Graceful shutdown (SIGTERM/SIGINT through the `ServiceGroup`) stops new checks, finishes every recording's files
/// and catalog rows, then closes the catalog and returns. Sessions still live at that moment stay open in the
/// catalog, and the next start continues them as their next part.
public struct RecorderService: Service, CustomStringConvertible {
    /// The watcher, for a status server.
    public let watcher: Watcher
    /// The catalog this service owns (closed when ``run()`` returns).
    public let catalog: any RecordingCatalog
    /// The configuration file (reloaded on SIGHUP or change), or `nil` for a configuration made in code.
    public let configurationFile: String?
    let environment: [String: String]
    let logger: Logger
    /// How often the configuration file's modification time is compared.
    let reloadPollInterval: Duration

    /// Names the service and its configuration file only: swift-service-lifecycle logs every service's description,
    /// and the default one would print the environment, session cookie included.
    public var description: String { "RecorderService(configuration: \(self.configurationFile ?? "in code"))" }

    /// Opens the catalog under `configuration.output`, takes over the sessions a crash or shutdown left open, and
    /// prepares the watcher. Nothing is checked or recorded until ``run()``.
    /// - Throws: ``CatalogError`` when the catalog cannot be opened (it names the file and the fix).
    public static func open(
        configuration: RecorderConfiguration, file: String?, environment: [String: String], logger: Logger,
        reloadPollInterval: Duration = .seconds(2)
    ) async throws -> RecorderService {
        try? FileManager.default.createDirectory(atPath: configuration.output, withIntermediateDirectories: true)
        let catalogPath = (configuration.output as NSString).appendingPathComponent("catalog.sqlite")
        let catalog = try await SQLiteCatalog.open(path: catalogPath)
        let open: [SessionRecord]
        do {
            open = try await catalog.recoverAfterCrash(at: Date())
        } catch {
            try? await catalog.close()
            throw error
        }
        if !open.isEmpty {
            logger.notice(
                "sessions left open by the last run: each continues as its next part if the creator is still live",
                metadata: ["sessions": "\(open.map { "\($0.creator)#\($0.id)" }.joined(separator: ","))"]
            )
        }
        let watcher = Watcher(configuration: configuration, file: file, catalog: catalog, openSessions: open, logger: logger)
        return RecorderService(
            watcher: watcher, catalog: catalog, configurationFile: file, environment: environment, logger: logger,
            reloadPollInterval: reloadPollInterval
        )
    }

    /// Runs until graceful shutdown (or cancellation), then finishes every file and closes the catalog.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.watcher.run() }
                if self.configurationFile != nil {
                    group.addTask { await self.reloadOnHangUp() }
                    group.addTask { await self.reloadOnChange() }
                }
                // The watcher returns after shutdown; the reload loops are then stopped.
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.watcher.requestShutdown()
        }
        do {
            try await self.catalog.close()
        } catch {
            self.logger.error("catalog: closing failed", metadata: ["error": "\(error)"])
        }
    }

    /// Reads the file again and applies it, or keeps the running configuration and says why.
    public func reload(reason: String) async {
        guard let file = self.configurationFile else { return }
        self.logger.notice("reloading the configuration", metadata: ["file": "\(file)", "reason": "\(reason)"])
        do {
            let configuration = try RecorderConfiguration.load(path: file, environment: self.environment)
            for warning in configuration.warnings { self.logger.warning("\(warning)") }
            await self.watcher.apply(configuration)
        } catch {
            await self.watcher.rejectReload("\(error)")
        }
    }

    private func reloadOnHangUp() async {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals {
            await self.reload(reason: "SIGHUP")
        }
    }

    private func reloadOnChange() async {
        guard let file = self.configurationFile else { return }
        var last = Self.fingerprint(of: file)
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: self.reloadPollInterval)
            } catch {
                return
            }
            let current = Self.fingerprint(of: file)
            if current != last {
                last = current
                await self.reload(reason: "the file changed")
            }
        }
    }

    /// Modification time and size: a change of either is a new file.
    static func fingerprint(of file: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file) else { return nil }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        return "\(modified)-\(size)"
    }
}
