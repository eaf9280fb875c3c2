// The exercise process: the student's exercise code, and nothing that decides a grade.
//
// The checks (in their own process) send it inputs over the channel on descriptor
// `LABKIT_EXERCISE_FD` (3); it runs the student's functions and sends back their results.
// It links LabKit, the nine exercise modules and the channel — no XCTest, no checks.
import ExerciseChannel
import Foundation

let served = lab01() + lab02() + lab03() + lab04() + lab05() + lab06() + lab07() + lab08() + lab09()
let descriptor = Int32(ProcessInfo.processInfo.environment["LABKIT_EXERCISE_FD"] ?? "3") ?? 3
let server = ExerciseServer(served, descriptor: descriptor)
if CommandLine.arguments.dropFirst().first == "--list" {
    print(server.names.joined(separator: "\n"))
    exit(0)
}
server.serve()
