import Foundation

/// The outcome of running one process with a time limit.
public struct ProcessOutcome: Sendable {
    public enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut(seconds: Double)
    }
    public let ending: Ending
    public let output: String
    public let seconds: Double
}

/// Runs commands as child processes with a time limit, capturing their output. A child that
/// crashes or hangs costs only its own result.
public enum ChildProcess {
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil, timeout: Double
    ) -> ProcessOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Output goes to a temporary file: no pipe that a chatty child could fill and block on.
        let logPath = NSTemporaryDirectory() + "labkit-child-\(getpid())-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            return ProcessOutcome(ending: .exited(127), output: "cannot create \(logPath)", seconds: 0)
        }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        do {
            try process.run()
        } catch {
            return ProcessOutcome(ending: .exited(127), output: "cannot start \(executable): \(error)", seconds: 0)
        }
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(start) > timeout {
                timedOut = true
                process.terminate()
                Thread.sleep(forTimeInterval: 0.5)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.waitUntilExit()
        try? log.close()
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let seconds = Date().timeIntervalSince(start)
        if timedOut { return ProcessOutcome(ending: .timedOut(seconds: timeout), output: text, seconds: seconds) }
        switch process.terminationReason {
        case .uncaughtSignal: return ProcessOutcome(ending: .signalled(process.terminationStatus), output: text, seconds: seconds)
        default: return ProcessOutcome(ending: .exited(process.terminationStatus), output: text, seconds: seconds)
        }
    }
}
