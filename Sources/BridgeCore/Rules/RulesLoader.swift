import Foundation

/// Loads and validates a rules file, or a directory of them.
///
/// Every problem is collected (syntax, unknown keys, types, literal secrets, references, templates, duplicates) and
/// thrown together as one `RulesError`, each with its file, line and column.
public enum RulesLoader {
    /// Loads `path`: a file, or a directory whose `*.yaml` and `*.yml` files (not hidden ones) are read in name order.
    public static func load(path: String) throws(RulesError) -> RuleSet {
        try loadWithContents(path: path).rules
    }

    /// The rules at `path` and the contents of the files they were loaded from, read once: a digest of those contents
    /// names exactly the rules loaded, even when the files change meanwhile.
    public static func loadWithContents(path: String) throws(RulesError) -> (rules: RuleSet, files: [(path: String, contents: String)]) {
        let paths = try files(at: path)
        var files: [(path: String, contents: String)] = []
        var diagnostics: [RulesDiagnostic] = []
        for file in paths {
            if let contents = read(file, diagnostics: &diagnostics) { files.append((file, contents)) }
        }
        do {
            let ruleSet = try load(files: files)
            if diagnostics.isEmpty { return (ruleSet, files) }
        } catch {
            diagnostics += error.diagnostics
        }
        throw RulesError(diagnostics: ordered(diagnostics, files: paths))
    }

    /// The rules files `load(path:)` reads: `path` itself, or a directory's `*.yaml` and `*.yml` files in name order.
    public static func files(at path: String) throws(RulesError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RulesError(diagnostics: [.init(position: wholePath(path), message: "no such file or directory")])
        }
        return isDirectory.boolValue ? try rulesFiles(in: path) : [path]
    }

    /// Loads rules from texts, as if each were a file at `path` (in this order). For tests and `check`.
    public static func load(files: [(path: String, contents: String)]) throws(RulesError) -> RuleSet {
        var fragments: [RulesFragment] = []
        var diagnostics: [RulesDiagnostic] = []
        for file in files {
            var reader = RulesFileReader(file: file.path)
            fragments.append(reader.fragment(contents: file.contents))
            diagnostics += reader.diagnostics
        }
        var assembler = RuleSetAssembler()
        let ruleSet = assembler.assemble(fragments)
        diagnostics += assembler.diagnostics
        guard diagnostics.isEmpty else {
            throw RulesError(diagnostics: ordered(diagnostics, files: files.map(\.path)))
        }
        return ruleSet
    }

    /// The rules files of a directory, sorted by name; an empty directory is an error.
    private static func rulesFiles(in directory: String) throws(RulesError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw RulesError(diagnostics: [.init(position: wholePath(directory), message: "cannot list directory: \(reason(error))")])
        }
        let files = names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }.sorted()
        guard !files.isEmpty else {
            throw RulesError(diagnostics: [.init(position: wholePath(directory), message: "no *.yaml or *.yml files in this directory")])
        }
        return files.map { (directory as NSString).appendingPathComponent($0) }
    }

    /// The file's text, or nil after adding a diagnostic at its line 1, column 1.
    private static func read(_ path: String, diagnostics: inout [RulesDiagnostic]) -> String? {
        let start = SourcePosition(file: path, line: 1, column: 1)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            diagnostics.append(.init(position: start, message: "cannot read file: \(reason(error))"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            diagnostics.append(.init(position: start, message: "the file is not valid UTF-8"))
            return nil
        }
        return text
    }

    /// Diagnostics by file (in load order), then line and column; stable for equal positions.
    private static func ordered(_ diagnostics: [RulesDiagnostic], files: [String]) -> [RulesDiagnostic] {
        let rank = Dictionary(files.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return diagnostics.enumerated().sorted { a, b in
            let keyA = (rank[a.element.position.file] ?? -1, a.element.position.line, a.element.position.column, a.offset)
            let keyB = (rank[b.element.position.file] ?? -1, b.element.position.line, b.element.position.column, b.offset)
            return keyA < keyB
        }.map(\.element)
    }

    private static func wholePath(_ path: String) -> SourcePosition {
        SourcePosition(file: path, line: 0, column: 0)
    }

    private static func reason(_ error: any Error) -> String {
        switch (error as? CocoaError)?.code {
        case .fileReadNoSuchFile?, .fileNoSuchFile?: "no such file"
        case .fileReadNoPermission?: "permission denied"
        default: (error as NSError).localizedDescription
        }
    }
}
