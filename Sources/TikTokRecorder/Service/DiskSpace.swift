import Foundation

/// Free space on the disk that holds a folder.
enum DiskSpace {
    /// Bytes an unprivileged writer may still use at `path`, or `nil` when the file system cannot say.
    static func freeBytes(at path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
