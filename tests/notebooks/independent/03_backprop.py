# Answers to 03_backprop written independently of the solutions: sigmoid through tanh, dA-then-dZ
# backward pass, np.dot / einsum instead of @, an itertools index loop for the numerical gradient.
# %% activations
def sigmoid(z):
    # sigma(z) = (1 + tanh(z / 2)) / 2: tanh never overflows
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s - s * s


def tanh(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-2.0 * np.abs(z))
    return np.sign(z) * (1.0 - e) / (1.0 + e)


def tanh_prime(z):
    t = tanh(z)
    return 1.0 - t * t


def relu(z):
    z = np.asarray(z, dtype=float)
    return z * (z > 0)


def relu_prime(z):
    return np.heaviside(np.asarray(z, dtype=float), 0.0)

# %% forward
def forward(X, params, hidden="sigmoid", output="sigmoid"):
    names = [hidden] * (len(params) - 1) + [output]
    Zs = []
    As = [X]
    A = X
    for (W, b), name in zip(params, names):
        Z = np.dot(A, W) + b[np.newaxis, :]
        A = ACTIVATIONS[name][0](Z)
        Zs.append(Z)
        As.append(A)
    return Zs, As

# %% backward
def backward(Y, params, Zs, As, hidden="sigmoid", output="sigmoid"):
    n, K = Y.shape
    dA = (2.0 / (n * K)) * (As[-1] - Y)      # dL/dA of the last layer
    result = []
    for l in reversed(range(len(params))):
        name = output if l == len(params) - 1 else hidden
        dZ = dA * ACTIVATIONS[name][1](Zs[l])
        dW = np.einsum("ni,nj->ij", As[l], dZ)
        db = np.ones(n).dot(dZ)
        result.insert(0, (dW, db))
        dA = dZ.dot(params[l][0].T)
    return result

# %% worked-example
def example_params():
    W1 = np.array([[0.1, 0.3],
                   [0.2, 0.4]])
    b1 = np.array([0.5, 0.5])
    W2 = np.array([[0.5],
                   [0.6]])
    b2 = np.array([0.5])
    return [(W1, b1), (W2, b2)]


def gd_step(params, grads, lr):
    updated = []
    for i in range(len(params)):
        W, b = params[i]
        dW, db = grads[i]
        updated.append((np.subtract(W, lr * dW), np.subtract(b, lr * db)))
    return updated

# %% numerical_gradient
import itertools

def numerical_gradient(f, x, h=1e-5):
    out = np.empty(x.shape)
    for idx in itertools.product(*[range(s) for s in x.shape]):
        original = float(x[idx])
        x[idx] = original - h
        low = float(f(x))
        x[idx] = original + h
        high = float(f(x))
        x[idx] = original
        out[idx] = (high - low) / h / 2.0
    return out

# %% train
def train(X, Y, params, lr=1.0, epochs=1000, hidden="tanh", output="sigmoid"):
    history = []
    epoch = 0
    while epoch < epochs:
        Zs, As = forward(X, params, hidden, output)
        history.append(float(((As[-1] - Y) ** 2).mean()))
        grads = backward(Y, params, Zs, As, hidden, output)
        params = gd_step(params, grads, lr)
        epoch += 1
    return params, history
