# A second style of correct answers to 03_backprop: boolean masks, the deltas computed first and the
# gradients from them, A.dot(W), the student's own helpers, np.nditer for the numerical gradient.
# %% activations
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    big = z >= 0
    out[big] = 1.0 / (1.0 + np.exp(-z[big]))
    e = np.exp(z[~big])
    out[~big] = e / (1.0 + e)
    return out


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z):
    return np.tanh(np.asarray(z, dtype=float))


def tanh_prime(z):
    return 1.0 - np.square(np.tanh(np.asarray(z, dtype=float)))


def relu(z):
    out = np.array(z, dtype=float)     # a copy: z itself stays as it was
    out[out < 0] = 0.0
    return out


def relu_prime(z):
    out = np.zeros(np.shape(z))
    out[np.asarray(z) > 0] = 1.0
    return out

# %% forward
def layer(A, W, b, name):
    Z = A.dot(W) + b
    return Z, ACTIVATIONS[name][0](Z)


def forward(X, params, hidden="sigmoid", output="sigmoid"):
    Zs, As = [], [X]
    for l in range(len(params)):
        W, b = params[l]
        Z, A = layer(As[l], W, b, output if l + 1 == len(params) else hidden)
        Zs.append(Z)
        As.append(A)
    return Zs, As

# %% backward
def derivative(name, Z):
    return ACTIVATIONS[name][1](Z)


def backward(Y, params, Zs, As, hidden="sigmoid", output="sigmoid"):
    L = len(params)
    deltas = [None] * L
    deltas[L - 1] = (2.0 / Y.size) * (As[L] - Y) * derivative(output, Zs[L - 1])
    for l in range(L - 2, -1, -1):
        deltas[l] = deltas[l + 1].dot(params[l + 1][0].T) * derivative(hidden, Zs[l])
    return [(As[l].T.dot(deltas[l]), deltas[l].sum(axis=0)) for l in range(L)]

# %% worked-example
def example_params():
    W_notes = [[0.1, 0.2], [0.3, 0.4]]          # s = W x + b, x a column
    W1 = np.transpose(np.array(W_notes))        # x a row: x @ W1
    W2 = np.array([0.5, 0.6]).reshape(2, 1)
    return [(W1, np.full(2, 0.5)), (W2, np.array([0.5]))]


def gd_step(params, grads, lr):
    def moved(p, g):
        return p - lr * g
    return [(moved(W, dW), moved(b, db)) for (W, b), (dW, db) in zip(params, grads)]

# %% numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        keep = x[i]
        x[i] = keep + h
        up = f(x)
        x[i] = keep - h
        down = f(x)
        x[i] = keep
        grad[i] = (up - down) / (2 * h)
        it.iternext()
    return grad

# %% train
def mse(A, Y):
    return float(np.mean(np.square(A - Y)))


def train(X, Y, params, lr=1.0, epochs=1000, hidden="tanh", output="sigmoid"):
    losses = []
    for epoch in range(epochs):
        Zs, As = forward(X, params, hidden, output)
        losses.append(mse(As[-1], Y))
        params = gd_step(params, backward(Y, params, Zs, As, hidden, output), lr)
    return params, losses
