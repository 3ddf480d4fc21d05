import Yams

/// How the keys of one mapping are named in errors: `` `watch.interval` `` or `` `quality` of creator `someone` ``.
struct LabelScope {
    /// Written before the key, inside the backticks (`watch.`).
    var prefix: String
    /// Written after the closing backtick (` of creator `someone``).
    var suffix: String

    /// The scope of the file's top level.
    static let topLevel = LabelScope(prefix: "", suffix: "")

    /// The label of `key`.
    func label(_ key: String) -> String { "`\(self.prefix)\(key)`\(self.suffix)" }

    /// The scope of the mapping under `key`.
    func nested(_ key: String) -> LabelScope { LabelScope(prefix: "\(self.prefix)\(key).", suffix: self.suffix) }
}

/// One `key: value` pair of a YAML mapping, with the line where the key is written.
struct ConfigurationField {
    /// The key as written.
    let name: String
    /// The scope the key belongs to.
    let scope: LabelScope
    /// The key's node (its line is where errors about the value point).
    let keyNode: Node
    /// The value's node.
    let value: Node

    /// What errors call the key: `` `watch.interval` ``, or `` `quality` of creator `someone` ``.
    var label: String { self.scope.label(self.name) }

    /// The 1-based line of the key.
    var line: Int? { self.keyNode.mark?.line }

    /// Whether the value is YAML null (`key:`, `key: ~`, `key: null`).
    var isNull: Bool { ConfigurationFields.isNull(self.value) }
}

/// The keys of one YAML mapping: each is taken once, and ``finish(allowed:)`` rejects any left over, naming the
/// allowed keys.
struct ConfigurationFields {
    let file: String
    /// The mapping's node (missing keys are reported at its line).
    let node: Node
    /// What the mapping is called in errors (`watch`, "the creator `someone`").
    let what: String
    /// How the keys are named in errors.
    let scope: LabelScope
    private var remaining: [ConfigurationField]

    /// The pairs of `node`, which must be a mapping with text keys.
    init(_ node: Node, file: String, what: String, scope: LabelScope) throws {
        guard let mapping = node.mapping else {
            throw ConfigurationError(
                file: file, line: node.mark?.line, message: "\(what) must be a mapping of `key: value` lines, not \(Self.kind(of: node))")
        }
        self.file = file
        self.node = node
        self.what = what
        self.scope = scope
        self.remaining = try mapping.map { pair in
            guard let name = pair.key.scalar?.string else {
                throw ConfigurationError(file: file, line: pair.key.mark?.line, message: "\(what) has a key that is not text")
            }
            return ConfigurationField(name: name, scope: scope, keyNode: pair.key, value: pair.value)
        }
    }

    /// The field `name`, removed from the remaining ones, or `nil` when the mapping does not have it.
    mutating func take(_ name: String) -> ConfigurationField? {
        guard let index = self.remaining.firstIndex(where: { $0.name == name }) else { return nil }
        return self.remaining.remove(at: index)
    }

    /// The field `name`, or an error at the mapping's line saying it is needed (`hint` says what to write).
    mutating func require(_ name: String, hint: String) throws -> ConfigurationField {
        guard let field = self.take(name), !field.isNull else {
            throw ConfigurationError(file: self.file, line: self.node.mark?.line, message: "\(self.what) needs `\(name):` (\(hint))")
        }
        return field
    }

    /// Throws for the first key nobody took, naming the keys `allowed` here.
    func finish(allowed: [String]) throws {
        guard let unknown = self.remaining.first else { return }
        throw ConfigurationError(
            file: self.file, line: unknown.line,
            message:
                "unknown key \(MessageText.quoted(unknown.name, limit: 40)) in \(self.what); allowed: \(allowed.joined(separator: ", "))")
    }

    /// Whether `node` is YAML null.
    static func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// "a list", "a mapping" or "text", for messages.
    static func kind(of node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar: Self.isNull(node) ? "nothing" : "text"
        case .alias: "an alias"
        }
    }
}
