import Foundation
import LabRegistry

/// Looks at a submission's compiled object files for what ordinary exercise code never
/// needs and what would let it get around the verdict channel:
/// - code that runs before `main` (`@section(".init_array")`, `.ctors`, …) — it could read
///   the nonce before the harness does;
/// - references into the harness, XCTest, the checks, the grader or another lab's module
///   (`@_silgen_name`, `@_extern`, `import XCTest`) — it could report a pass itself;
/// - run-time symbol lookup (`dlsym`, `dlopen`) — the same, found at run time.
/// A lab whose objects do any of these is set aside like one that does not compile.
enum CompiledCodeInspection {
    /// Sections whose contents the loader runs, or that name code to run at exit.
    static let forbiddenSections = [
        ".init_array", ".preinit_array", ".fini_array", ".ctors", ".dtors", ".init", ".fini",
    ]
    /// Swift modules an exercise may not reach into (mangled `$s<length><name>`).
    static let forbiddenModules = [
        "LabTesting", "XCTest", "LabNotebook", "LabGrading", "LabPlot", "LabData", "CSandbox",
    ]
    static let forbiddenFunctions: Set<String> = [
        "dlsym", "dlvsym", "dlopen", "dlmopen", "ptrace", "process_vm_readv", "process_vm_writev",
    ]
    /// Parts of the core a lab's exercises may not call (mangled identifiers in LabKit). The core
    /// holds no exercise's answer, but its convolution layers compose into one: convolving with
    /// identity filters gives im2col (7.2), and its gradient col2im (7.3).
    static let forbiddenKitSymbols: [Int: [String]] = [
        7: ["6conv2d", "15convTranspose2d", "6Conv2D", "15ConvTranspose2D"]
    ]

    /// What is wrong with `lab`'s object files in `buildFolder` (empty: nothing).
    static func problems(lab: Int, buildFolder: String, readelf: String = "readelf", nm: String = "nm") -> [String] {
        let module = String(format: "Lab%02dExercises", lab)
        let folder = "\(buildFolder)/\(module).build"
        let objects = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasSuffix(".o")
        }.sorted()
        var problems: [String] = []
        for object in objects {
            let path = "\(folder)/\(object)"
            problems += InspectedObjects.shared.problems(of: path) {
                inspect(path, lab: lab, module: module, readelf: readelf, nm: nm)
            }
        }
        return Array(Set(problems)).sorted()
    }

    /// What is wrong with one object file of `module`.
    static func inspect(_ path: String, lab: Int, module: String, readelf: String, nm: String) -> [String] {
        var problems: [String] = []
        let source = String(path.split(separator: "/").last ?? "").replacingOccurrences(of: ".swift.o", with: ".swift")
        let sections = ChildProcess.run("/usr/bin/env", [readelf, "-SW", path], timeout: 60).output
        for line in sections.split(separator: "\n") {
            guard let name = line.split(separator: "]", maxSplits: 1).last?.split(separator: " ").first.map(String.init)
            else { continue }
            let bare =
                name.hasPrefix(".rela")
                ? String(name.dropFirst(5)) : name.hasPrefix(".rel") ? String(name.dropFirst(4)) : name
            if forbiddenSections.contains(where: { bare == $0 || bare.hasPrefix($0 + ".") }) {
                problems.append(
                    "\(source): code placed in \(bare), which runs outside the checks (@section / @used is not allowed)"
                )
            }
        }
        // What the object defines for others to link to: only its own module's Swift names
        // (and the compiler's weak specializations). A C name (`@_cdecl("write")`) or another
        // module's Swift name (`@_silgen_name("$s6XCTest…")`) would replace that symbol.
        let defined = ChildProcess.run("/usr/bin/env", [nm, "-g", "--defined-only", path], timeout: 60).output
        for line in defined.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let kind = fields[1].first else { continue }
            let symbol = String(fields[2])
            let swift = symbol.hasPrefix("$s") || symbol.hasPrefix("_$s")
            let ownModule = swift && symbol.contains("\(module.utf8.count)\(module)")
            let weak = "WVwvu".contains(kind)
            let compilerMade = swift || symbol.hasPrefix("got.$s") || symbol.hasPrefix("__swift_")
            if !(ownModule || (compilerMade && weak)) {
                problems.append(
                    "\(source): defines the symbol \(symbol) for the whole program "
                        + "(@_cdecl, @_silgen_name or @export are not allowed in exercises)")
            }
        }
        let undefined = ChildProcess.run("/usr/bin/env", [nm, "-u", "--format=just-symbols", path], timeout: 60).output
        for symbol in Set(undefined.split(separator: "\n").map(String.init)) {
            let plain = symbol.split(separator: "@").first.map(String.init) ?? symbol
            if forbiddenFunctions.contains(plain) {
                problems.append("\(source): calls \(plain), which exercise code may not use")
            }
            for other in forbiddenModules + otherLabModules(than: lab) where mentions(plain, module: other) {
                problems.append(
                    "\(source): reaches into \(other) "
                        + "(@_silgen_name, @_extern or import \(other) are not allowed in exercises)"
                )
            }
            for identifier in forbiddenKitSymbols[lab] ?? []
            where mentions(plain, module: "LabKit") && plain.contains(identifier) {
                let name = identifier.drop { $0.isNumber }
                problems.append(
                    "\(source): calls the kit's \(name), which these exercises write themselves "
                        + "(use your own functions)"
                )
            }
        }
        return problems
    }

    /// The objects inspected in this process, by path, with their bytes: an object whose bytes
    /// are the same as when it was inspected has the same problems (a mutant or an alternative
    /// recompiles one lab; the other eight labs' objects are not inspected again).
    final class InspectedObjects: @unchecked Sendable {
        static let shared = InspectedObjects()
        private let lock = NSLock()
        private var seen: [String: (bytes: Data, problems: [String])] = [:]

        func problems(of path: String, inspect: () -> [String]) -> [String] {
            guard let bytes = FileManager.default.contents(atPath: path) else { return inspect() }
            lock.lock()
            let earlier = seen[path]
            lock.unlock()
            if let earlier, earlier.bytes == bytes { return earlier.problems }
            let found = inspect()
            lock.lock()
            seen[path] = (bytes, found)
            lock.unlock()
            return found
        }
    }

    static func otherLabModules(than lab: Int) -> [String] {
        LabRegistry.kit.numbers.filter { $0 != lab }.map { String(format: "Lab%02dExercises", $0) }
            + LabRegistry.kit.numbers.flatMap {
                [String(format: "Lab%02dChecks", $0), String(format: "Lab%02dHiddenChecks", $0)]
            }
    }

    /// Whether a mangled Swift symbol belongs to `module` (`$s10LabTesting…`, `$s6XCTest…`).
    static func mentions(_ symbol: String, module: String) -> Bool {
        let mangled = "\(module.utf8.count)\(module)"
        return (symbol.hasPrefix("$s") || symbol.hasPrefix("_$s")) && symbol.contains(mangled)
    }
}
