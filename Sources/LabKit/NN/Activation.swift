/// The nonlinearities a dense layer can apply after its affine map.
public enum Activation: String, Sendable, CaseIterable {
    case identity, relu, sigmoid, tanh, softplus

    public func callAsFunction(_ x: Variable) -> Variable {
        switch self {
        case .identity: return x
        case .relu: return x.relu()
        case .sigmoid: return x.sigmoid()
        case .tanh: return x.tanh()
        case .softplus: return x.softplus()
        }
    }
}
