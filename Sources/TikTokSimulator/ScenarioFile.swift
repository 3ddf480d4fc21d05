import Foundation
import Yams

/// Reads scenario files: YAML describing creators and a timeline of what happens to each (format in the README,
/// "Scenario files"; examples in `config/scenarios/`).
///
/// Every key is checked: an unknown key, a missing one, a wrong value or a time earlier than the step before is a
/// ``ScenarioFileError`` naming the file and line.
public enum ScenarioFile {
    /// Reads and checks the scenario file at `path`.
    /// - Throws: ``ScenarioFileError`` when the file cannot be read or is not a valid scenario.
    public static func load(path: String) throws -> SimulatorScenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioFileError(file: path, line: nil, message: "cannot read the scenario file (\(error.localizedDescription))")
        }
        return try Self.parse(text, file: path)
    }

    /// Checks `text` as a scenario file called `file` (used in errors).
    /// - Throws: ``ScenarioFileError``.
    public static func parse(_ text: String, file: String) throws -> SimulatorScenario {
        let reader = ScenarioFileReader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioFileError(file: file, line: Self.line(of: error), message: "not valid YAML: \(error)")
        } catch {
            throw ScenarioFileError(file: file, line: nil, message: "not valid YAML: \(error)")
        }
        guard let root else { throw reader.error(nil, "the file is empty; it needs a `creators:` list") }
        return try reader.scenario(root)
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): mark.line
        default: nil
        }
    }
}
