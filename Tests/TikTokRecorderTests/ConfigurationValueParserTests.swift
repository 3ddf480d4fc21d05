import Testing

@testable import TikTokRecorder

@Suite struct ConfigurationValueParserTests {
    @Test func durationsAcceptSecondsAndUnits() {
        #expect(ConfigurationValueParser.duration("90") == 90)
        #expect(ConfigurationValueParser.duration("1.5") == 1.5)
        #expect(ConfigurationValueParser.duration("90s") == 90)
        #expect(ConfigurationValueParser.duration("500ms") == 0.5)
        #expect(ConfigurationValueParser.duration("5m") == 300)
        #expect(ConfigurationValueParser.duration("1h") == 3600)
        #expect(ConfigurationValueParser.duration("1h30m") == 5400)
        #expect(ConfigurationValueParser.duration("1h 30m 10s") == 5410)
        #expect(ConfigurationValueParser.duration("2.5m") == 150)
    }

    @Test func durationsRejectWhatTheyCannotRead() {
        for text in ["", "abc", "5 minutes", "5x", "1h1h", "m", "1..5s", "nan", "inf", "5m3", "-5s"] {
            #expect(ConfigurationValueParser.duration(text) == nil, "\(text)")
        }
    }

    @Test func sizesAcceptBytesAndDecimalAndBinaryUnits() {
        #expect(ConfigurationValueParser.byteSize("1048576") == 1_048_576)
        #expect(ConfigurationValueParser.byteSize("500MB") == 500_000_000)
        #expect(ConfigurationValueParser.byteSize("2GB") == 2_000_000_000)
        #expect(ConfigurationValueParser.byteSize("2 gb") == 2_000_000_000)
        #expect(ConfigurationValueParser.byteSize("1.5GiB") == 1_610_612_736)
        #expect(ConfigurationValueParser.byteSize("4KiB") == 4096)
        #expect(ConfigurationValueParser.byteSize("1TB") == 1_000_000_000_000)
        #expect(ConfigurationValueParser.byteSize("1TiB") == 1_099_511_627_776)
    }

    @Test func sizesRejectWhatTheyCannotRead() {
        for text in ["", "-1", "2XB", "GB", "2GB5", "1e30TB", "1.2.3MB"] {
            #expect(ConfigurationValueParser.byteSize(text) == nil, "\(text)")
        }
    }
}
