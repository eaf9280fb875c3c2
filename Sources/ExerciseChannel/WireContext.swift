import LabKit

/// What one call shares across the channel: the objects each side has seen, by id, so that
/// an object that goes out and comes back is the same object; the variables in the order
/// they were first sent (the inputs a gradient flows back to); and the hooks for closures
/// and for variables the other side made.
package final class WireContext {
    private var objects: [Int: AnyObject] = [:]
    private var ids: [ObjectIdentifier: Int] = [:]
    private var nextID: Int
    /// Every variable of the call's arguments, in the order first written or read.
    package private(set) var variables: [Variable] = []
    /// Variables first met in a result (made by the other side), in order.
    package private(set) var madeVariables: [Variable] = []
    private var registeringResult = false
    private var argumentCount: Int?

    /// The checks' side: closures the exercise may call back, by id.
    var callbacks: [Int: (WireReader, WireWriter, WireContext) throws -> Void] = [:]
    /// The checks' side: the variable that stands for one the exercise made (value, whether
    /// it is connected to the graph, its index among the made variables).
    var makeNode: ((Tensor, Bool, Int) -> Variable)?
    /// The exercise's side: calls closure `id` on the checks' side.
    var callBack: ((Int, (WireWriter) -> Void, (WireReader) throws -> Void) throws -> Void)?

    /// The checks number objects from 1, the exercise process from 2⁴⁰: ids never collide.
    package init(isExerciseSide: Bool) { nextID = isExerciseSide ? 1 << 40 : 1 }

    func id(of object: AnyObject) -> Int {
        if let id = ids[ObjectIdentifier(object)] { return id }
        let id = nextID
        nextID += 1
        register(object, as: id)
        return id
    }

    func register(_ object: AnyObject, as id: Int) {
        objects[id] = object
        ids[ObjectIdentifier(object)] = id
        if let variable = object as? Variable {
            if registeringResult { madeVariables.append(variable) } else { variables.append(variable) }
        }
    }

    /// Marks the end of the arguments: their variables are the ones a gradient flows back to.
    func sealArguments() { argumentCount = variables.count }
    /// The variables among the call's arguments, in order.
    package var argumentVariables: [Variable] { Array(variables.prefix(argumentCount ?? variables.count)) }

    /// The object known by `id`, if any; an object of another type is a malformed message.
    func object<T: AnyObject>(_ id: Int, as type: T.Type) throws -> T? {
        guard let object = objects[id] else { return nil }
        guard let typed = object as? T else {
            throw WireError("object \(id) is a \(Swift.type(of: object)), not a \(T.self)")
        }
        return typed
    }

    /// Runs `body` while reading or writing a result: variables first met there were made by
    /// the other side.
    func inResult<T>(_ body: () throws -> T) rethrows -> T {
        registeringResult = true
        defer { registeringResult = false }
        return try body()
    }
}
