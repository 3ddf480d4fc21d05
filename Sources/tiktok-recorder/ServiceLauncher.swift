import Foundation
import Logging
import RecorderHTTP
import ServiceLifecycle
import TikTokRecorder
import UnixSignals

/// Wires the recorder service, its status server and the terminal status table into one `ServiceGroup`, shared
/// by `run` and `demo`.
enum ServiceLauncher {
    /// How long SIGTERM/SIGINT leave the recordings to finish their files before they are cancelled (which still
    /// finishes them, only without waiting for the event feed's last messages).
    static let gracePeriod: Duration = .seconds(10)

    /// Runs the service until SIGTERM/SIGINT, or until a service in `extra` marked to end the group returns.
    /// - Parameter onStatusListening: told the status server's port once it is bound.
    static func run(
        configuration: RecorderConfiguration, file: String?, logger: Logger,
        extra: [ServiceGroupConfiguration.ServiceConfiguration] = [],
        onStarted: @escaping @Sendable (RecorderService) async -> Void = { _ in },
        onStatusListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) async throws {
        for warning in configuration.warnings { logger.warning("\(warning)") }
        let service = try await RecorderService.open(
            configuration: configuration, file: file, environment: ProcessInfo.processInfo.environment, logger: logger
        )
        await onStarted(service)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = extra
        if let listen = configuration.status.listen {
            services.append(
                .init(
                    service: StatusServer(
                        control: service.watcher, host: listen.host, port: listen.port, logger: logger,
                        onListening: { port in
                            logger.notice("status page on http://\(listen.host):\(port)/ (JSON at /api/status)")
                            await onStatusListening(listen.host, port)
                        }
                    )
                )
            )
        }
        if isatty(STDOUT_FILENO) == 1 {
            services.append(.init(service: StatusTable(control: service.watcher)))
        }
        services.append(.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup))
        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = Self.gracePeriod
        try await ServiceGroup(configuration: groupConfiguration).run()
    }
}
