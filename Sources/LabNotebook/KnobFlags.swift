/// The flags that set a group of options, derived from the options themselves: a knob declared
/// once is recorded in report.md and metrics.json, and in the key that decides whether a saved
/// model may be reused, and cannot be forgotten in either.
///
/// Each `@Option` property `fooBar` is the flag `--foo-bar` (ArgumentParser's default name; a
/// knob never renames it), in declaration order, with its value as typed: "--beta 3.0", and
/// "--code-sizes 2 8" for a list. An empty list, a nil and a false `@Flag` are left out; a true
/// `@Flag` is the flag alone. `KnobFlagsTests` checks that the flags parse back to the same values.
package enum KnobFlags {
    package static func of(_ options: Any) -> [String] {
        Mirror(reflecting: options).children.compactMap { child in
            guard let label = child.label, label.hasPrefix("_"), let value = parsedValue(of: child.value) else {
                return nil
            }
            return typed("--" + kebabCase(label.dropFirst()), value)
        }
    }

    /// The value an ArgumentParser property wrapper (`Option`, `Flag`) holds once parsed, read
    /// through its stored `_parsedValue`; nil for any other property.
    static func parsedValue(of wrapper: Any) -> Any? {
        let type = String(describing: Swift.type(of: wrapper))
        guard type.hasPrefix("Option<") || type.hasPrefix("Flag<") else { return nil }
        guard let parsed = Mirror(reflecting: wrapper).children.first(where: { $0.label == "_parsedValue" })?.value
        else {
            return nil
        }
        return Mirror(reflecting: parsed).children.first(where: { $0.label == "value" })?.value
    }

    static func typed(_ flag: String, _ value: Any) -> String? {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { typed(flag, $0.value) }
        case .collection:
            let items = mirror.children.map { "\($0.value)" }
            return items.isEmpty ? nil : ([flag] + items).joined(separator: " ")
        default:
            if let on = value as? Bool { return on ? flag : nil }
            return "\(flag) \(value)"
        }
    }

    /// `codeSizes` → `code-sizes`, `saltPepperP` → `salt-pepper-p`.
    static func kebabCase(_ name: Substring) -> String {
        name.reduce(into: "") { out, character in
            if character.isUppercase { out += "-" + character.lowercased() } else { out.append(character) }
        }
    }
}
