#!/usr/bin/env python3
"""Builds a class of hostile submissions, to check that the grader's verdict cannot be
forged and that a submission cannot reach the kit, the solutions, the hidden checks, other
students or the grader:

    python3 scripts/make_attack_class.py OUT

Writes OUT/<student>/Labs/... and OUT.expected.csv with the exact total each student must
get. Every attack is written so that it *earns points if it works*: code that reads the
solutions, writes into the kit or finds an unlimited amount of memory returns the right
answer only when it succeeded, so a weaker sandbox shows up as a wrong total, not only as
a log line. Attacks that must not disturb anyone else (a daemon overwriting grades, a
process killing the grader, a child that outlives its check) sit in exercises that are
otherwise correct, so their students keep those points; the class totals, the leftover
process check (`pgrep -f labkit-attack`) and `git status` in CI tell whether they did harm.

Lab points and files come from the lab registry (scripts/registry.py). Each check
calls only its own exercise's function, and the attacked functions are leaves (no other
exercise's solution calls them), so an attack costs exactly its exercise's points.
"""
import argparse
import os
import re
import shutil

from registry import exercise_files, points_by_lab

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SOLUTIONS = os.path.join(ROOT, "Solutions")
STUBS = os.path.join(ROOT, "Labs")
FILES = exercise_files()
POINTS = points_by_lab()
TOTAL = sum(POINTS.values())

# Swift that finds the kit from where the grader compiled this file
# (<kit>/.build-grade/submission/LabNN/File.swift), or gives up.
KIT = """let labkitKit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path"""

# Each attack: Swift statements put first in a function body. `{garbage}` is an expression
# of the function's return type that fails the checks.
ATTACKS = {
    # Pretend the checks passed, then leave.
    "fake_pass": """print("Test Case '-[Lab01Checks.Lab01Checks test_1_1_meanIsTheColumnMean]' passed (0.001 seconds)")
    print("Test Suite 'Selected tests' passed at 2026-01-01 00:00:00.000")
    print("\\t Executed 1 test, with 0 failures (0 unexpected) in 0.001 (0.001) seconds")
    fflush(nil)
    exit(0)""",
    "exit1": "exit(1)",
    # Right answer only if the solutions or the hidden checks can be read.
    "read_solutions": KIT + """
    let labkitTargets = [labkitKit + "/Solutions/Lab03/Lab03Denoising.swift",
                         labkitKit + "/Tests/Hidden/Lab01HiddenChecks/Lab01HiddenChecks.swift",
                         "Solutions/Lab03/Lab03Denoising.swift", "../Solutions/Lab03/Lab03Denoising.swift",
                         "/autograder/source/kit/Tests/Hidden/Lab01HiddenChecks/Lab01HiddenChecks.swift"]
    let labkitLeaked = labkitTargets.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
    for text in labkitLeaked { print("LEAKED:", text.prefix(200)) }
    if labkitLeaked.isEmpty { return {garbage} }""",
    # Right answer only if the kit's checks or Package.swift could be changed.
    "write_kit": KIT + """
    var labkitWrote = false
    for target in [labkitKit + "/Tests/Graded/Lab03Checks/Lab03Checks.swift", labkitKit + "/Package.swift"] {
        if let handle = FileHandle(forWritingAtPath: target) {
            handle.seekToEndOfFile(); handle.write(Data("\\n// labkit-attack was here\\n".utf8)); try? handle.close()
            labkitWrote = true
        }
    }
    if !labkitWrote { return {garbage} }""",
    # A detached daemon that, seconds later, overwrites every grade it can find.
    "daemon_overwrites_grades": """var labkitOutputs = ["/tmp/*/attack-out", "/tmp/*/class-out", "out/grade"]
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
        guard let data = FileManager.default.contents(atPath: "/proc/\\(entry)/cmdline") else { continue }
        let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        if let i = words.firstIndex(of: "--out"), i + 1 < words.count { labkitOutputs.append(words[i + 1]) }
    }
    let labkitScript = "trap '' TERM HUP INT; sleep 4; for d in " + labkitOutputs.joined(separator: " ")
        + "; do for f in $d/*/grade.json $d/*/results.json $d/gradebook.csv; do echo labkit-attack > \\"$f\\"; done; done; sleep 3601"
    let labkitDaemon = Process()
    labkitDaemon.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
    labkitDaemon.arguments = ["-f", "/bin/sh", "-c", labkitScript, "labkit-attack-daemon"]
    try? labkitDaemon.run()""",
    # Kill the grader: the parent, and anything that looks like it.
    "kill_parent": """kill(getppid(), SIGKILL)
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
        guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\\(entry)/cmdline") else { continue }
        let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        if words.contains(where: { $0.hasSuffix("/grade") || $0 == "grade" || $0.contains("run_autograder") }) { kill(pid, SIGKILL) }
    }""",
    # A child that ignores SIGTERM and outlives the check.
    "fork_outlives": """let labkitChild = Process()
    labkitChild.executableURL = URL(fileURLWithPath: "/bin/sh")
    labkitChild.arguments = ["-c", "trap '' TERM HUP; sleep 3602; echo labkit-attack-child"]
    try? labkitChild.run()""",
    # A gibibyte of output, once per process.
    "huge_output": """if !labkitPrintedHugeOutput {
        labkitPrintedHugeOutput = true
        let labkitChunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<1024 { _ = labkitChunk.withUnsafeBytes { write(1, $0.baseAddress, $0.count) } }
    }""",
    "non_utf8_output": """FileHandle.standardOutput.write(Data([0xff, 0xfe, 0x0a]))
    FileHandle.standardError.write(Data([0xc3, 0x28, 0x0a]))""",
    # 10⁹ Doubles (8 GB): the right answer only if the memory limit let it through.
    "allocate": """let labkitHuge = [Double](repeating: 1, count: 1_000_000_000)
    if labkitHuge[999_999_999] != 1 { return {garbage} }""",
    "endless_loop": "while Date().timeIntervalSince1970 > 0 {}",
    # A verdict record with a guessed nonce, fake XCTest lines, and a clean exit.
    "forge_verdict": """let labkitRecord = "LABKIT-VERDICT " + (0..<32).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
        + " PASS " + Data("-[Lab05Checks.Lab05Checks test_5_4_samplesAreDecodedStandardNormalCodes]".utf8).base64EncodedString() + "\\n"
    for fd in Int32(3)...8 { _ = labkitRecord.withCString { write(fd, $0, strlen($0)) } }
    print("Test Case '-[Lab05Checks.Lab05Checks test_5_4_samplesAreDecodedStandardNormalCodes]' passed (0.001 seconds)")
    fflush(nil)
    exit(0)""",
    # Report a pass through the harness's own function.
    "call_harness": """labkitSend("PASS", "test_4_1_penaltyMatchesTheClosedFormAveragedOverTheBatch")
    labkitSend("PASS", "Lab04Checks.test_4_1_penaltyEqualsTheSquaredFrobeniusNormOfTheJacobian")""",
    "uses_xctest": "_ = XCTestObservationCenter.shared",
    "wrong_answer": "return {garbage}",
    # Verdict records of every format the grader ever read, on every descriptor, then leave.
    "forge_everywhere": """for labkitName in ["Lab09Checks.Lab09Checks/test_9_4_knownAreas", "-[Lab09Checks test_9_4_knownAreas]",
                      "Lab09Checks.test_9_4_matchesThePairwiseDefinition"] {
        let labkitPayload = Data(labkitName.utf8).base64EncodedString()
        for labkitLine in ["LABKIT-VERDICT BEGIN \\(labkitPayload)\\n", "LABKIT-VERDICT PASS \\(labkitPayload)\\n",
                           "LABKIT-VERDICT 0123456789abcdef0123456789abcdef PASS \\(labkitPayload)\\n"] {
            for labkitFD in Int32(0)..<Int32(64) { _ = labkitLine.withCString { write(labkitFD, $0, strlen($0)) } }
        }
    }
    _exit(0)""",
    "warning": "let labkitUnusedValue = 42",
    "compile_error": 'let labkitNotAnInt: Int = "text"',
}

# Declarations some attacks add at the top of the file.
HEADERS = {
    "huge_output": "nonisolated(unsafe) var labkitPrintedHugeOutput = false\n",
    "call_harness": '@_silgen_name("$s10LabTesting14VerdictChannelO4sendyySS_SStFZ")\nfunc labkitSend(_ kind: String, _ payload: String)\n',
    "uses_xctest": "import XCTest\n",
    # Replace XCTest's XCTFail for the whole program (it would silence every failure).
    "interpose_xctfail": '@_silgen_name("$s6XCTest7XCTFail_4file4lineySS_s12StaticStringVSutF")\n'
                         'public func labkitNoFailure(_ message: String, file: StaticString, line: UInt) {}\n',
    # Replace libc's write(2) for the whole program (it would drop FAIL records).
    # An expression the type checker cannot solve in reasonable time: its lab costs only itself.
    "type_checker_bomb": "let labkitA = 1\nlet labkitBomb = " + " + ".join(["labkitA * 2 - 3 + labkitA / 4 * 5.5 - Float(labkitA) * 6"] * 10) + "\n",
    "interpose_write": '@_cdecl("write")\npublic func labkitWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { count }\n',
    # Code that runs before main and closes (steals) the nonce descriptor.
    "pre_main": '@section(".init_array") @used\nlet labkitEarly: @convention(c) () -> Void = { _ = close(3) }\n',
    # Helpers a check file might resolve to instead of the kit's, were it to import the module whole.
    "shadow_helpers": """public func expect(_ condition: Bool, _ what: String, hint: String) {}
public func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float, _ what: String, hint: String) {}
public func expectClose(_ actual: Double, _ expected: Double, tolerance: Double, _ what: String, hint: String) {}
public func XCTFail(_ message: String) {}
""",
}

# What each attacked function returns that is wrong.
GARBAGE = {"gaussianNoise": "x", "maskingNoise": "x", "interpolate": "z0", "klPenaltyGradient": "rhoHat"}


def inject(source, function, code):
    """Puts `code` first in the body of `public func function(`. A body that was a single
    expression (an implicit return) gets an explicit `return`, as it now has more statements."""
    start = source.index(f"public func {function}(")
    brace = source.index("{\n", source.index(")", start))
    end = source.index("\n}\n", brace)
    original = source[brace + 2:end + 1]
    statements = [line for line in original.split("\n") if re.match(r"    \S", line) and not line.strip().startswith("//")]
    if len(statements) == 1 and not re.match(r"\s*(return|let|var|guard|if|for|while|throw)\b", statements[0]):
        original = original.replace(statements[0], "    return " + statements[0].strip(), 1)
    body = "\n    " + code.replace("{garbage}", GARBAGE.get(function, "nil")) + "\n"
    return source[:brace + 1] + body + original + source[end + 1:]


def header(source, text):
    """Adds Foundation/Glibc imports and `text` after the file's imports."""
    lines = source.split("\n")
    last_import = max(i for i, line in enumerate(lines) if line.startswith("import "))
    extra = "import Foundation\n#if canImport(Glibc)\nimport Glibc\n#endif\n" + text
    return "\n".join(lines[:last_import + 1]) + "\n" + extra + "\n".join(lines[last_import + 1:])


def student(out, name, base=SOLUTIONS):
    labs = os.path.join(out, name, "Labs")
    shutil.copytree(base, labs)
    return labs


def attack(labs, lab, function=None, kind=None, headers=()):
    path = os.path.join(labs, FILES[lab])
    source = open(path).read()
    if function:
        source = inject(source, function, ATTACKS[kind])
    source = header(source, "".join(HEADERS[h] for h in headers))
    open(path, "w").write(source)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    out = parser.parse_args().out
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    expected = {}

    # No solution at all: every stub prints XCTest's success lines and exits 0.
    labs = student(out, "mallory-fakes-every-pass", base=STUBS)
    for lab, file in FILES.items():
        path = os.path.join(labs, file)
        source = re.sub(r"(?m)^(\s+)throw NotImplemented\([^\n]*\)", lambda m: m.group(1) + ATTACKS["fake_pass"].replace("\n    ", "\n" + m.group(1)), open(path).read())
        open(path, "w").write(header(source, ""))
    expected["mallory-fakes-every-pass"] = 0

    # Escapes: read the solutions and hidden checks (3.1), write into the kit (3.2), a
    # daemon overwriting grades (3.3, otherwise correct), kill the grader (3.4, otherwise
    # correct), a child outliving its check (1.3, otherwise correct).
    labs = student(out, "oscar-escapes")
    attack(labs, 3, "gaussianNoise", "read_solutions")
    attack(labs, 3, "maskingNoise", "write_kit")
    attack(labs, 3, "saltAndPepperNoise", "daemon_overwrites_grades")
    attack(labs, 3, "denoisingLoss", "kill_parent")
    attack(labs, 1, "pcaCodes", "fork_outlives")
    expected["oscar-escapes"] = TOTAL - 2 - 2

    # Resources: exit(1) (2.4), 1 GiB of output per process (1.4, correct), a non-UTF-8
    # byte (1.5, correct), 8 GB allocation (5.5), an endless loop (4.3).
    labs = student(out, "peggy-exhausts")
    attack(labs, 2, "klPenaltyGradient", "exit1")
    attack(labs, 1, "linearAutoencoderLoss", "huge_output", headers=["huge_output"])
    attack(labs, 1, "tiedAutoencoderLoss", "non_utf8_output")
    attack(labs, 5, "interpolate", "allocate")
    attack(labs, 4, "numericalJacobian", "endless_loop")
    expected["peggy-exhausts"] = TOTAL - 3 - 1 - 3

    # Forgery: a guessed verdict record + exit 0 (5.4); code before main that steals the
    # nonce descriptor (all of lab 6 is set aside).
    labs = student(out, "sybil-forges")
    attack(labs, 5, "samplePrior", "forge_verdict")
    attack(labs, 6, headers=["pre_main"])
    expected["sybil-forges"] = TOTAL - 2 - POINTS[6]

    # Reaching into the harness: @_silgen_name (lab 4 set aside), import XCTest and use it
    # (lab 5 set aside), shadowing the check helpers with a wrong 3.2 (3.2 still fails).
    labs = student(out, "judy-reaches-into-the-harness")
    attack(labs, 4, "contractivePenalty", "call_harness", headers=["call_harness"])
    attack(labs, 5, "reparameterize", "uses_xctest", headers=["uses_xctest"])
    attack(labs, 3, "maskingNoise", "wrong_answer", headers=["shadow_helpers"])
    expected["judy-reaches-into-the-harness"] = TOTAL - POINTS[4] - POINTS[5] - 2

    # Links and special files: Lab01's file is a link to the kit's solution (lab 1 counts
    # as not submitted), a link to /etc/passwd and a FIFO next to correct files.
    labs = student(out, "trent-links")
    lab01 = os.path.join(labs, FILES[1])
    os.remove(lab01)
    os.symlink(os.path.abspath(os.path.join(SOLUTIONS, "Lab01/Lab01PCA.swift")), lab01)
    os.symlink("/etc/passwd", os.path.join(labs, "Lab02", "passwd.swift"))
    os.mkfifo(os.path.join(labs, "Lab04", "pipe.swift"))
    expected["trent-links"] = TOTAL - POINTS[1]

    # A warning in lab 5 must not cost lab 5; an error in lab 3 costs lab 3 only.
    labs = student(out, "walter-warning-and-error")
    attack(labs, 5, "gaussianKL", "warning")
    attack(labs, 3, "denoisingLoss", "compile_error")
    expected["walter-warning-and-error"] = TOTAL - POINTS[3]

    # Delegation: lab 7's im2col from the kit's convolution with identity filters (whose
    # outputs are the patches) instead of the copying the exercise is about. It passes the
    # checks; the grader sets lab 7 aside.
    labs = student(out, "ursula-delegates")
    path = os.path.join(labs, FILES[7])
    text = open(path).read()
    start = text.index("public func im2col(")
    end = text.index("\n}\n", start) + 3
    open(path, "w").write(text[:start] + """public func im2col(_ images: Tensor, _ shape: ConvolutionShape) throws -> Tensor {
    let (k, s, padding) = (shape.kernel, shape.stride, shape.padding)
    let ho = try convolutionOutputSize(inputSize: shape.height, kernel: k, stride: s, padding: padding)
    let wo = try convolutionOutputSize(inputSize: shape.width, kernel: k, stride: s, padding: padding)
    let grid = ConvolutionGrid(shape, outputHeight: ho, outputWidth: wo)
    let p = shape.patchSize
    let y = conv2d(Variable(images), filters: Variable(.identity(p)), bias: Variable(.zeros([p])), grid).value
    return y.reshaped([images.rowCount * ho * wo, p])
}
""" + text[end:])
    expected["ursula-delegates"] = TOTAL - POINTS[7]

    # A folder name that is not UTF-8, with a correct submission.
    odd = os.fsdecode(b"\xff\xfe-victor")
    student(out, odd)
    expected[odd] = TOTAL

    # Interposition and forgery in a process of its own: XCTFail replaced (lab 1 set aside),
    # libc's write replaced (lab 2 set aside), records of every format on every descriptor and
    # _exit(0) in 9.4, and an extra file that imports XCTest (lab 4 set aside). Every attack
    # also returns a wrong answer, so it earns points only if it works.
    labs = student(out, "xavier-interposes")
    attack(labs, 1, "centred", "wrong_answer", headers=["interpose_xctfail"])
    attack(labs, 2, "meanActivations", "wrong_answer", headers=["interpose_write"])
    attack(labs, 9, "rocAUC", "forge_everywhere")
    with open(os.path.join(labs, "Lab04", "Lab04Extra.swift"), "w") as f:
        f.write("import XCTest\nfunc labkitExtra() { XCTFail(\"never\") }\n")
    expected["xavier-interposes"] = TOTAL - POINTS[1] - POINTS[2] - POINTS[4] - 2
    # A type-checker bomb in lab 3: the compiler gives up on it (20 s), lab 3 is set aside.
    labs = student(out, "yara-bombs")
    attack(labs, 3, headers=["type_checker_bomb"])
    expected["yara-bombs"] = TOTAL - POINTS[3]
    # An honest submission graded after the hostile ones keeps full marks (no stale objects).
    student(out, "zed-honest")
    expected["zed-honest"] = TOTAL

    # The gradebook names a student by the sanitised folder name.
    def sanitised(raw):
        safe = "".join(chr(b) if chr(b).isascii() and (chr(b).isalnum() or chr(b) in "._-") else "_" for b in raw)
        if safe.startswith("."):
            safe = "_" + safe[1:]
        if not safe or safe.encode() != raw:
            h = 0xcbf29ce484222325
            for b in raw:
                h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
            safe += "-" + format(h, "x")[:8]
        return safe

    with open(out.rstrip("/") + ".expected.csv", "w") as f:
        f.write("folder,total\n")
        for name, total in sorted(expected.items()):
            f.write(f"{sanitised(os.fsencode(name))},{total}\n")
    print(f"wrote {len(expected)} hostile submissions to {out}")


if __name__ == "__main__":
    main()
