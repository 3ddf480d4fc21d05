import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct FilenameTemplateTests {
    /// 2026-11-23 20:50:01 UTC.
    let start = Date(timeIntervalSince1970: 1_795_467_001)

    func render(
        _ template: String, creator: String = "someone", roomID: String = "7300000000000000001", title: String = "Hi", part: Int = 1
    )
        throws -> String
    {
        try FilenameTemplate(parsing: template).render(creator: creator, start: self.start, roomID: roomID, title: title, part: part)
    }

    @Test func rendersEveryTokenWithUTCDateAndTime() throws {
        let name = try self.render("{creator}_{date}_{time}_{roomid}_{title}_part{part}", title: "Evening chat", part: 2)
        #expect(name == "someone_2026-11-23_20-50-01_7300000000000000001_Evening chat_part2")
    }

    @Test func rejectsTemplatesThatAreNotOneName() {
        #expect(throws: FilenameTemplateError.empty) { try FilenameTemplate(parsing: "  ") }
        #expect(throws: FilenameTemplateError.unknownToken("user")) { try FilenameTemplate(parsing: "{user}_{date}") }
        #expect(throws: FilenameTemplateError.unknownToken("Creator")) { try FilenameTemplate(parsing: "{Creator}") }
        #expect(throws: FilenameTemplateError.unbalancedBrace("{creator")) { try FilenameTemplate(parsing: "{creator") }
        #expect(throws: FilenameTemplateError.unbalancedBrace("creator}")) { try FilenameTemplate(parsing: "creator}") }
        #expect(throws: FilenameTemplateError.unbalancedBrace("{{creator}")) { try FilenameTemplate(parsing: "{{creator}") }
        #expect(throws: FilenameTemplateError.pathSeparator("{creator}/{date}")) { try FilenameTemplate(parsing: "{creator}/{date}") }
        #expect(throws: FilenameTemplateError.pathSeparator("a\\b")) { try FilenameTemplate(parsing: "a\\b") }
        #expect(throws: FilenameTemplateError.parentReference("..{creator}")) { try FilenameTemplate(parsing: "..{creator}") }
    }

    @Test func errorMessagesNameTheProblemAndTheTokens() {
        let message = FilenameTemplateError.unknownToken("user").description
        #expect(message.contains("{user}"))
        #expect(message.contains("{creator} {date} {time} {roomid} {title} {part}"))
    }

    @Test func pathTraversalInValuesNeverSurvives() throws {
        for hostile in ["../../etc/passwd", "..", "../", "a/../b", "..\\..\\windows", "....//....//"] {
            let name = try self.render("{title}", title: hostile)
            #expect(!name.contains(".."), "\(hostile) -> \(name)")
            #expect(!name.contains("/") && !name.contains("\\"), "\(hostile) -> \(name)")
            #expect(!name.hasPrefix("."), "\(hostile) -> \(name)")
            #expect(!name.isEmpty)
        }
        #expect(try self.render("{title}", title: "../../etc/passwd") == "_._etc_passwd")
        #expect(try self.render("{creator}", creator: "a/b") == "a_b")
        #expect(try self.render("{title}", title: "..") == "_")
    }

    @Test func controlBidiAndInvisibleCharactersAreRemoved() throws {
        #expect(try self.render("{title}", title: "\u{202E}gnp.exe") == "gnp.exe")
        #expect(try self.render("{title}", title: "a\u{0}b\u{7}c\u{7F}d\u{9B}e") == "abcde")
        #expect(try self.render("{title}", title: "line one\nline two\r\n\tend") == "line one line two end")
        #expect(try self.render("{title}", title: "in\u{200B}vis\u{FEFF}ible\u{2066}\u{2069}\u{200E}\u{061C}") == "invisible")
        #expect(try self.render("{title}", title: "  lots   of    space  ") == "lots of space")
    }

    @Test func windowsForbiddenCharactersBecomeUnderscores() throws {
        #expect(try self.render("{title}", title: "a<b>c:d\"e|f?g*h") == "a_b_c_d_e_f_g_h")
    }

    @Test func emojiAndOtherScriptsAreKept() throws {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
        #expect(try self.render("{title}", title: "Live \(family) 🎉 مرحبا 你好") == "Live \(family) 🎉 مرحبا 你好")
        #expect(try self.render("{title}", title: "❤️ ok") == "❤️ ok")
    }

    @Test func longValuesAreCappedWithoutSplittingCharacters() throws {
        let long = String(repeating: "x", count: 10_000)
        #expect(try self.render("{title}", title: long) == String(repeating: "x", count: 80))
        let emoji = String(repeating: "👩🏽‍🚀", count: 100)
        let name = try self.render("{title}", title: emoji)
        #expect(name.count == 12)  // 180 bytes hold 12 astronauts of 15 bytes each (80 of them would be 1200 bytes)
        #expect(name.allSatisfy { $0 == "👩🏽‍🚀" })
        let whole = try self.render("{title}{title}{title}", title: long)
        #expect(whole.utf8.count == 180)
    }

    @Test func aStackOfCombiningMarksCannotHideTheWholeName() throws {
        let zalgo = "Z" + String(repeating: "\u{0301}", count: 5000) + "ok"
        let name = try self.render("{title}", title: zalgo)
        #expect(name.hasSuffix("ok"))
        #expect(name.utf8.count <= 180)
    }

    @Test func anEmptyResultBecomesAnUnderscore() throws {
        #expect(try self.render("{title}", title: "") == "_")
        #expect(try self.render("{title}", title: "\u{202E}\u{0}\n ") == "_")
        #expect(try self.render("{creator}_{title}", title: "") == "someone_")
    }

    @Test func theSanitiserIsAppliedToTheJoinedNameToo() throws {
        // Each value alone is harmless; together with the literal they would make "..".
        #expect(try self.render("{title}.{roomid}", roomID: ".x", title: "a.") == "a.x")
        #expect(try self.render(".{creator}") == "someone")
    }
}
