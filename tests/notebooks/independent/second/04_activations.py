# A second style of correct answers to 04_activations (Python loops, boolean masks, own helpers, lists accepted,
# a Box-Muller normal from rng.random): autograding them must give full marks.
# %% tanh_derivative
import math


def _as_floats(z):
    return np.array(z, dtype=np.float64)  # a list, a number or an array; always a new array


def tanh_derivative(z):
    e = np.exp(-2.0 * np.abs(_as_floats(z)))  # 1 - tanh(z)^2 = 4 e / (1 + e)^2 with e = exp(-2|z|) <= 1
    return 4.0 * e / (1.0 + e) ** 2

# %% relu_derivative
def relu_derivative(z):
    z = _as_floats(z)
    slope = np.zeros_like(z)
    slope[z > 0] = 1.0
    return slope

# %% leaky_relu_derivative
def leaky_relu_derivative(z, alpha=0.01):
    z = _as_floats(z)
    slopes = [1.0 if value > 0 else alpha for value in z.ravel()]
    return np.array(slopes, dtype=np.float64).reshape(z.shape)

# %% elu_derivative
def elu_derivative(z, alpha=1.0):
    z = _as_floats(z)
    slope = np.ones_like(z)
    negative = ~(z > 0)
    slope[negative] = alpha * np.exp(z[negative])
    return slope

# %% swish_derivative
def _logistic(z):
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def swish_derivative(z):
    z = _as_floats(z)
    s = _logistic(z)
    return s * (1.0 + z * (1.0 - s))

# %% softmax
def _softmax_row(row):
    top = max(row)
    exps = [math.exp(v - top) for v in row]
    total = sum(exps)
    return [v / total for v in exps]


def softmax(z):
    z = _as_floats(z)
    if z.ndim == 0:
        return np.ones(())
    rows = z.reshape(-1, z.shape[-1])
    return np.array([_softmax_row(list(row)) for row in rows]).reshape(z.shape)

# %% layer_gradient_norms
def layer_gradient_norms(net, X, Y):
    _, gradients = net.loss_and_gradients(X, Y, loss="mse")
    norms = []
    for dW, _db in gradients:
        squares = 0.0
        for value in dW.ravel():
            squares += float(value) * float(value)
        norms.append(math.sqrt(squares))
    return np.array(norms)

# %% deep_norms
sigmoid_norms = layer_gradient_norms(sigmoid_net, X_deep, Y_deep)
relu_norms = layer_gradient_norms(relu_net, X_deep, Y_deep)
sigmoid_ratio = float(sigmoid_norms[0] / sigmoid_norms[-1])
relu_ratio = float(relu_norms[0] / relu_norms[-1])

# %% initializers
def xavier_uniform(n_in, n_out, rng):
    r = math.sqrt(6.0 / (n_in + n_out))
    u = rng.random(n_in * n_out)
    return (r * (2.0 * u - 1.0)).reshape(n_in, n_out)


def he_normal(n_in, n_out, rng):
    count = n_in * n_out
    u1 = 1.0 - rng.random((count + 1) // 2)  # in (0, 1]: log never sees 0
    u2 = rng.random((count + 1) // 2)
    radius = np.sqrt(-2.0 * np.log(u1))
    normal = np.concatenate([radius * np.cos(2 * np.pi * u2), radius * np.sin(2 * np.pi * u2)])[:count]
    return math.sqrt(2.0 / n_in) * normal.reshape(n_in, n_out)

# %% vanishing_gradients_answer
Each layer between the loss and layer l contributes one factor to the chain rule: the derivative of its activation
times its weights. The sigmoid's derivative is at most 1/4, so over ten layers the gradient shrinks by many orders of
magnitude: my first-to-last ratio for the sigmoid network is below 1e-6. The first layers then barely move under
gradient descent and learn far more slowly than the last ones. ReLU's derivative is 1 wherever a unit is active,
so with He initialisation the norms stay comparable from layer to layer; its weakness is units that never activate
and so never receive a gradient. Other remedies: a careful initialisation scale, batch normalisation, and residual
connections.
