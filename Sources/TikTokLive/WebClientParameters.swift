/// The browser-like query parameters every web/webcast request carries (protocol.md §1.1).
enum WebClientParameters {
    static func query(userAgent: String) -> [(String, String)] {
        let browserVersion = userAgent.hasPrefix("Mozilla/") ? String(userAgent.dropFirst("Mozilla/".count)) : userAgent
        return [
            ("aid", "1988"), ("app_language", "en"), ("app_name", "tiktok_web"), ("browser_language", "en-US"),
            ("browser_name", "Mozilla"), ("browser_online", "true"), ("browser_platform", "Win32"),
            ("browser_version", browserVersion), ("cookie_enabled", "true"), ("device_platform", "web_pc"),
            ("focus_state", "true"), ("from_page", "user"), ("history_len", "4"), ("is_fullscreen", "false"),
            ("is_page_visible", "true"), ("screen_height", "1080"), ("screen_width", "1920"),
            ("tz_name", "Europe/London"), ("channel", "tiktok_web"), ("data_collection_enabled", "true"),
            ("os", "windows"), ("priority_region", "US"), ("region", "US"), ("user_is_login", "false"),
            ("webcast_language", "en"),
        ]
    }

    /// `base` + `path` + `?` + percent-encoded parameters.
    static func url(base: String, path: String, parameters: [(String, String)]) -> String {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        let query = parameters.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
        return trimmed + path + (query.isEmpty ? "" : "?" + query)
    }

    /// An `application/x-www-form-urlencoded` body: `name=value` pairs joined by `&`, each percent-encoded.
    static func formBody(_ fields: [(String, String)]) -> [UInt8] {
        Array(fields.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&").utf8)
    }

    /// RFC 3986 unreserved characters pass; everything else is %XX-encoded.
    static func percentEncode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        self.count >= width ? self : String(repeating: "0", count: width - self.count) + self
    }
}
