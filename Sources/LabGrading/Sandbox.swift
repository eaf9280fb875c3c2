import CSandbox
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where student code runs: every graded check, and every build of a submission.
///
/// With bubblewrap a check sees only the system's libraries, the Swift runtime, a
/// read-only folder holding the test binary and its resources, an empty private `/tmp`
/// (its working directory) and nothing else: no network, no kit, no instructor files, no
/// hidden-check sources, no other submission, no grader output. It has its own PID
/// namespace (everything it starts dies with it) and runs as an unprivileged user when the
/// grader can arrange it. Where bubblewrap cannot run, the fallback does what the OS allows:
/// a throw-away copy of the binary, a fresh working directory, rlimits, its own session
/// with the grader as child subreaper, and an unprivileged user when the grader is root.
package struct Sandbox: Sendable {
    package enum Mode: Sendable, Equatable {
        case bubblewrap(asUser: Bool)
        case fallback(reason: String)
    }

    package struct Limits: Sendable {
        package var memoryBytes: UInt64 = 4 << 30
        package var outputBytes = 256 * 1024
        package var processes: UInt64 = 512
        package var tmpBytes: UInt64 = 256 << 20
        package init() {}
    }

    package let mode: Mode
    package let limits: Limits
    let bwrap: String?
    /// The unprivileged identity checks run as, when the grader is root.
    let nobody: (uid: Int32, gid: Int32)?

    /// Probes bubblewrap (unless `disabled`) and picks the strongest mode that works here.
    package static func detect(limits: Limits = Limits(), disabled: Bool = false) -> Sandbox {
        let nobody: (uid: Int32, gid: Int32)? = getuid() == 0 ? (65534, 65534) : nil
        guard !disabled else {
            return Sandbox(
                mode: .fallback(reason: "bubblewrap disabled with --no-bubblewrap"), limits: limits, bwrap: nil,
                nobody: nobody)
        }
        #if os(macOS)
            return Sandbox(
                mode: .fallback(
                    reason:
                        "bubblewrap exists only on Linux; on macOS each check is a separate process with resource limits but sees your files — grade untrusted submissions on Linux"
                ),
                limits: limits, bwrap: nil, nobody: nobody)
        #endif
        guard let bwrap = ChildProcess.resolve("bwrap") else {
            return Sandbox(
                mode: .fallback(reason: "bubblewrap is not installed (sudo apt-get install bubblewrap)"),
                limits: limits, bwrap: nil, nobody: nobody)
        }
        let probe = Sandbox(mode: .bubblewrap(asUser: nobody != nil), limits: limits, bwrap: bwrap, nobody: nobody)
        let argv = probe.bubblewrapArguments(binds: [], workingDirectory: "/") + ["/bin/true"]
        var options = SpawnOptions(environment: ["PATH": "/usr/bin:/bin"], timeout: 20)
        options.user = nobody
        let outcome = ChildProcess.run(bwrap, argv, options: options)
        if outcome.ending == .exited(0) { return probe }
        if nobody != nil {
            // Unprivileged user namespaces refused (some distributions); as root it still works.
            let asRoot = Sandbox(mode: .bubblewrap(asUser: false), limits: limits, bwrap: bwrap, nobody: nobody)
            if ChildProcess.run(
                bwrap, asRoot.bubblewrapArguments(binds: [], workingDirectory: "/") + ["/bin/true"],
                options: SpawnOptions(environment: ["PATH": "/usr/bin:/bin"], timeout: 20)
            ).ending == .exited(0) {
                return asRoot
            }
        }
        return Sandbox(
            mode: .fallback(
                reason:
                    "bubblewrap cannot create namespaces here: \(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))"
            ),
            limits: limits, bwrap: nil, nobody: nobody)
    }

    /// Why this sandbox must not grade other people's code, if it must not: in the fallback
    /// without root the exercise process runs as the grader's own user, so it could signal the
    /// grader or read its files. (A student grading their own code may use it.)
    package var refusesClassGrading: String? {
        guard case .fallback(let reason) = mode, nobody == nil else { return nil }
        return "refusing to grade other people's submissions in the fallback sandbox (\(reason)) as an ordinary user: "
            + "their code would run as you and could signal this grader or read your files. Install bubblewrap "
            + "(sudo apt-get install bubblewrap) or run the grader as root, which runs their code as nobody."
    }

    /// One line for the grader's output: which mode graded the run, and its limits.
    package var description: String {
        let memory =
            "\(limits.memoryBytes >> 20) MiB memory, \(limits.outputBytes / 1024) KiB output kept, \(limits.processes) processes"
        switch mode {
        case .bubblewrap(let asUser):
            return "sandbox: bubblewrap — read-only test binary, private /tmp, no network, own PID namespace, "
                + (asUser ? "unprivileged user" : "root's user namespace (process limit not enforced)") + "; \(memory)"
        case .fallback(let reason):
            return "sandbox: FALLBACK (\(reason)) — throw-away binary copy, fresh folder, rlimits, own session, "
                + (nobody != nil ? "unprivileged user" : "the grader's own user (it can reach what you can)")
                + "; \(memory)"
        }
    }

    // MARK: Running a check

    /// How to run `binary` (in the read-only `runFolder`) with `arguments` as a check.
    /// `workingDirectory` is a fresh empty folder (used by the fallback; bubblewrap gives
    /// the check a private tmpfs instead).
    /// `libraries` are the folders of the binary's Swift runtime (`runtimeLibraryFolders`).
    func checkCommand(
        runFolder: String, binary: String, arguments: [String], workingDirectory: String, libraries: [String],
        extraEnvironment: [String: String]
    ) -> (executable: String, arguments: [String], options: SpawnOptions) {
        var environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "TMPDIR": "/tmp"]
        environment.merge(extraEnvironment) { $1 }
        var options = SpawnOptions(environment: environment, timeout: 0)
        options.limits = cs_limits(
            address_space_bytes: limits.memoryBytes, file_size_bytes: limits.tmpBytes,
            processes: processLimit(), cpu_seconds: 0)
        options.headBytes = limits.outputBytes * 3 / 4
        options.tailBytes = limits.outputBytes / 4
        switch mode {
        case .bubblewrap(let asUser):
            options.user = asUser ? nobody : nil
            let binds = [runFolder: "/grade"].merging(libraries.map { ($0, $0) }, uniquingKeysWith: { a, _ in a })
            var argv = bubblewrapArguments(
                binds: binds.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, workingDirectory: "/tmp")
            for (key, value) in environment.sorted(by: { $0.key < $1.key }) { argv += ["--setenv", key, value] }
            argv += ["/grade/\(binary)"] + arguments
            return (bwrap!, argv, options)
        case .fallback:
            options.user = nobody
            environment["HOME"] = workingDirectory
            environment["TMPDIR"] = workingDirectory
            options.environment = environment
            options.directory = workingDirectory
            #if os(macOS)
                // On macOS the tests are a bundle that only XCTest's runner loads:
                // `xcrun xctest -XCTest Module.Class/test Bundle.xctest` runs one check.
                return (
                    "/usr/bin/xcrun",
                    ["xctest", "-XCTest", arguments.joined(separator: ","), "\(runFolder)/\(binary)"], options
                )
            #else
                return ("\(runFolder)/\(binary)", arguments, options)
            #endif
        }
    }

    /// bubblewrap's arguments: fresh namespaces of every kind, the system read-only, a
    /// private /tmp, and the given read-only binds.
    func bubblewrapArguments(binds: [(String, String)], workingDirectory: String) -> [String] {
        // In its user namespace the check is nobody (65534), whichever user started bubblewrap.
        var argv = [
            "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--die-with-parent",
            "--new-session", "--cap-drop", "ALL", "--clearenv",
        ]
        for folder in ["/usr", "/bin", "/lib", "/lib32", "/lib64", "/sbin"] {
            var info = stat()
            guard lstat(folder, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFLNK,
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder)
            {
                argv += ["--symlink", target, folder]
            } else {
                argv += ["--ro-bind", folder, folder]
            }
        }
        for file in ["/etc/ld.so.cache", "/etc/localtime"] where access(file, R_OK) == 0 {
            argv += ["--ro-bind", file, file]
        }
        argv += ["--proc", "/proc", "--dev", "/dev", "--size", String(limits.tmpBytes), "--tmpfs", "/tmp"]
        for (source, destination) in binds { argv += ["--ro-bind", source, destination] }
        argv += ["--chdir", workingDirectory]
        return argv
    }

    /// The folders a binary's RUNPATH names (the Swift runtime), outside /usr, and beside each
    /// `…/lib/swift/linux` the runtime's crash reporter `…/libexec/swift/linux` (so a crash
    /// inside the sandbox still prints the frames, and the student's file and line).
    func runtimeLibraryFolders(of binary: String) -> [String] {
        let dynamic = ChildProcess.run("/usr/bin/env", ["readelf", "-dW", binary], timeout: 30)
        let libraries = dynamic.output.split(separator: "\n").filter {
            $0.contains("(RUNPATH)") || $0.contains("(RPATH)")
        }
        .flatMap { line -> [String] in
            guard let open = line.lastIndex(of: "["), let close = line.lastIndex(of: "]") else { return [] }
            return line[line.index(after: open)..<close].split(separator: ":").map(String.init)
        }
        .filter { $0.hasPrefix("/") && !$0.hasPrefix("/usr/") && FileManager.default.fileExists(atPath: $0) }
        let backtracers = libraries.compactMap { folder -> String? in
            guard folder.hasSuffix("/lib/swift/linux") else { return nil }
            let libexec = String(folder.dropLast("/lib/swift/linux".count)) + "/libexec/swift/linux"
            return FileManager.default.fileExists(atPath: libexec) ? libexec : nil
        }
        return libraries + backtracers
    }

    /// RLIMIT_NPROC counts every task of the real user: as root the checks run as nobody
    /// (nobody else's processes count); as another user, allow what already runs plus the limit.
    func processLimit() -> UInt64 {
        if nobody != nil { return limits.processes }
        let me = getuid()
        var running: UInt64 = 0
        for (pid, _, _) in ChildProcess.processes() {
            var info = stat()
            if stat("/proc/\(pid)", &info) == 0, info.st_uid == me {
                running += UInt64(
                    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").count) ?? 1)
            }
        }
        return running + limits.processes
    }

    /// In the fallback as root, checks run as nobody: take "other" permissions off the
    /// folders they must not read (the solutions, the hidden checks, the submissions, the
    /// grades). Returns a line per folder changed. Nothing to do with bubblewrap, which
    /// never shows them, or as an ordinary user, who cannot hide from themselves.
    package func hide(_ folders: [String]) -> [String] {
        guard case .fallback = mode, nobody != nil else { return [] }
        return folders.compactMap { folder in
            var info = stat()
            guard stat(folder, &info) == 0, info.st_mode & 0o007 != 0 else { return nil }
            return chmod(folder, info.st_mode & 0o7770) == 0
                ? "fallback: removed other users' access to \(folder) (chmod o-rwx)" : nil
        }
    }

    // MARK: Building a submission

    /// How to run a build (`swift build …`) of untrusted sources: the whole system
    /// read-only but for `writable` (the build folder), no network, own PID namespace.
    /// `home` (inside a writable folder) keeps SwiftPM's manifest cache between builds:
    /// without it every build compiles the package manifests again (8 s instead of 0.9 s).
    func buildCommand(
        _ executable: String, _ arguments: [String], writable: [String], home: String, directory: String,
        environment: [String: String], timeout: Double
    ) -> (executable: String, arguments: [String], options: SpawnOptions) {
        var options = SpawnOptions(environment: environment, directory: directory, timeout: timeout)
        options.headBytes = 2 << 20
        options.tailBytes = 256 << 10
        guard case .bubblewrap = mode, let bwrap else {
            return (executable, arguments, options)
        }
        var argv = [
            "--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--new-session",
            "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
        ]
        // The kit may itself live under /tmp (a fresh clone in CI): bind it again over the
        // private /tmp, read-only, and the writable folders last.
        argv += ["--ro-bind", directory, directory]
        for folder in writable { argv += ["--bind", folder, folder] }
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        argv += ["--setenv", "HOME", home, "--chdir", directory]
        options.directory = nil
        return (bwrap, argv + [ChildProcess.resolve(executable) ?? executable] + arguments, options)
    }
}
