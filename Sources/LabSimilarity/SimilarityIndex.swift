/// One student's code for one lab: its text (for showing matches), tokens and fingerprints.
package struct LabDocument: Sendable {
    package let student: Int
    package let lab: Int
    /// The file(s) as shown in the report ("Lab09/Lab09Anomaly.swift"), with their lines.
    package let file: String
    package let lines: [String]
    package let tokens: SwiftTokens
    package let fingerprints: Fingerprints

    package init(student: Int, lab: Int, file: String, text: String) {
        (self.student, self.lab, self.file) = (student, lab, file)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        tokens = SwiftTokens(text)
        fingerprints = Fingerprints(tokens)
    }
}

/// What two students share in one lab.
package struct LabMatch: Sendable {
    package let lab: Int
    /// Fingerprints both have (the stub's and the class's common ones excluded).
    package let shared: Int
    /// shared ÷ the smaller of the two documents' own fingerprints: 1 when one is contained in the other.
    package let score: Double
    /// The matched regions, longest first: lines of the first student's file ↔ lines of the second's.
    package let regions: [(first: ClosedRange<Int>, second: ClosedRange<Int>)]
}

/// A pair of students, with their matches lab by lab.
package struct PairSimilarity: Sendable {
    package let first: Int, second: Int
    package let labs: [LabMatch]
    /// Σ shared ÷ Σ the smaller document's fingerprints, over the labs both handed in.
    package let score: Double
    package var shared: Int { labs.reduce(0) { $0 + $1.shared } }
}

/// Every pair of students ranked by the exercise code they share, found through an index from
/// fingerprint to documents (never by comparing all pairs of texts).
///
/// What everybody has is not evidence: fingerprints of the stub (the scaffold every student
/// starts from) are dropped, and so are those in more than `commonLimit` submissions of a lab
/// (idioms and the lab's obvious code: a quarter of the class, at least 3). What is left is each
/// student's own code; two students
/// who share much of it rank high whatever they renamed, reformatted or reordered.
package struct SimilarityIndex: Sendable {
    package let documents: [LabDocument]
    package let pairs: [PairSimilarity]
    /// The most submissions a fingerprint may be in and still count (a quarter of the class, at least 3).
    package let commonLimit: Int

    /// `stubs`: the stub file's text of each lab. `progress(fraction)` is called as pairs are scored.
    package init(
        documents: [LabDocument], stubs: [Int: String], students: Int, progress: (Double) -> Void = { _ in }
    ) {
        self.documents = documents
        let limit = max(3, students / 4)
        commonLimit = limit
        var own: [Set<UInt64>] = []
        var postings: [Int: [UInt64: [Int]]] = [:]  // lab → fingerprint → documents
        for (d, document) in documents.enumerated() {
            for hash in Set(document.fingerprints.hashes) {
                postings[document.lab, default: [:]][hash, default: []].append(d)
            }
        }
        let scaffold: [Int: Set<UInt64>] = stubs.mapValues { Set(Fingerprints(SwiftTokens($0)).hashes) }
        for document in documents {
            let stub = scaffold[document.lab] ?? []
            let counts = postings[document.lab] ?? [:]
            own.append(
                Set(document.fingerprints.hashes.filter { !stub.contains($0) && (counts[$0]?.count ?? 0) <= limit }))
        }
        // Shared fingerprints per (pair, lab), from the postings of the fingerprints that count.
        var shared: [PairKey: [UInt64]] = [:]
        let labs = postings.keys.sorted()
        for (l, lab) in labs.enumerated() {
            let stub = scaffold[lab] ?? []
            for (hash, docs) in postings[lab]! where docs.count >= 2 && docs.count <= limit && !stub.contains(hash) {
                for i in 0..<docs.count {
                    for j in (i + 1)..<docs.count {
                        let (a, b) = (documents[docs[i]], documents[docs[j]])
                        guard a.student != b.student else { continue }
                        let key = a.student < b.student ? PairKey(docs[i], docs[j]) : PairKey(docs[j], docs[i])
                        shared[key, default: []].append(hash)
                    }
                }
            }
            progress(Double(l + 1) / Double(labs.count) * 0.8)
        }
        // Per student pair: their labs' matches and the overall score.
        var byStudents: [PairKey: [LabMatch]] = [:]
        for (key, hashes) in shared {
            let (a, b) = (documents[key.first], documents[key.second])
            let smaller = min(own[key.first].count, own[key.second].count)
            let match = LabMatch(
                lab: a.lab, shared: hashes.count, score: smaller == 0 ? 0 : Double(hashes.count) / Double(smaller),
                regions: Self.regions(Set(hashes), a, b))
            byStudents[PairKey(a.student, b.student), default: []].append(match)
        }
        // The denominator of a pair's overall score counts every lab both handed in, matched or not.
        var documentOf: [PairKey: Int] = [:]
        for (d, document) in documents.enumerated() { documentOf[PairKey(document.student, document.lab)] = d }
        pairs = byStudents.map { key, matches in
            var denominator = 0
            for lab in labs {
                if let a = documentOf[PairKey(key.first, lab)], let b = documentOf[PairKey(key.second, lab)] {
                    denominator += min(own[a].count, own[b].count)
                }
            }
            let total = matches.reduce(0) { $0 + $1.shared }
            return PairSimilarity(
                first: key.first, second: key.second, labs: matches.sorted { $0.lab < $1.lab },
                score: denominator == 0 ? 0 : Double(total) / Double(denominator))
        }
        .sorted { ($0.score, $0.shared, -$0.first, -$0.second) > ($1.score, $1.shared, -$1.first, -$1.second) }
        progress(1)
    }

    /// The stretches of `a` and `b` the shared fingerprints cover: fingerprints of `a` no more than
    /// a window apart are one region, shown with the lines of `b` where the same fingerprints are.
    static func regions(_ hashes: Set<UInt64>, _ a: LabDocument, _ b: LabDocument) -> [(
        first: ClosedRange<Int>, second: ClosedRange<Int>
    )] {
        var inB: [UInt64: Int32] = [:]
        for (h, s) in zip(b.fingerprints.hashes, b.fingerprints.starts) where hashes.contains(h) && inB[h] == nil {
            inB[h] = s
        }
        let matches = zip(a.fingerprints.hashes, a.fingerprints.starts).compactMap { h, s -> (Int32, Int32)? in
            inB[h].map { (s, $0) }
        }
        .sorted { $0.0 < $1.0 }
        var regions: [(first: ClosedRange<Int>, second: ClosedRange<Int>)] = []
        var group: [(Int32, Int32)] = []
        func close() {
            guard let first = group.first, let last = group.last else { return }
            let k = Int32(Fingerprints.k - 1)
            let aLines =
                Int(a.tokens.lines[Int(first.0)])...Int(a.tokens.lines[Int(min(last.0 + k, Int32(a.tokens.count - 1)))])
            let bStarts = group.map(\.1)
            let bLines =
                Int(
                    b.tokens.lines[Int(bStarts.min()!)])...Int(
                    b.tokens.lines[Int(min(bStarts.max()! + k, Int32(b.tokens.count - 1)))])
            regions.append((aLines, bLines))
            group = []
        }
        for match in matches {
            if let last = group.last, match.0 - last.0 > Int32(Fingerprints.k + Fingerprints.window) { close() }
            group.append(match)
        }
        close()
        // The longest stretch first: that is where to look.
        return regions.sorted { ($0.first.count, -$0.first.lowerBound) > ($1.first.count, -$1.first.lowerBound) }
    }
}

/// Two indices (students or documents), unordered pairs stored first < second.
struct PairKey: Hashable, Sendable {
    let first: Int, second: Int
    init(_ a: Int, _ b: Int) { (first, second) = (a, b) }
}
