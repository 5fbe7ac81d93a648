# Answers to 04_activations written independently of the solutions (other formulas, masks instead of np.where,
# tanh-based sigmoid, log-sum-exp softmax, other generator calls): autograding them must give full marks, so the
# tests cannot demand the instructor's code.
# %% tanh_derivative
def tanh_derivative(z):
    t = np.tanh(np.asarray(z, dtype=np.float64))
    return (1.0 - t) * (1.0 + t)

# %% relu_derivative
def relu_derivative(z):
    return np.heaviside(np.asarray(z, dtype=np.float64), 0.0)

# %% leaky_relu_derivative
def leaky_relu_derivative(z, alpha=0.01):
    positive = np.asarray(z) > 0
    return alpha + (1.0 - alpha) * positive.astype(np.float64)

# %% elu_derivative
def elu_derivative(z, alpha=1.0):
    z = np.asarray(z, dtype=np.float64)
    out = np.ones(z.shape)
    negative = z <= 0
    out[negative] = alpha * np.exp(z[negative])
    return out

# %% swish_derivative
def swish_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    sig = 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic function without any exp
    return sig * (1.0 + z * (1.0 - sig))

# %% softmax
def softmax(z):
    z = np.asarray(z, dtype=np.float64)
    top = z.max(axis=-1, keepdims=True)
    log_norm = top + np.log(np.exp(z - top).sum(axis=-1, keepdims=True))
    return np.exp(z - log_norm)

# %% layer_gradient_norms
def layer_gradient_norms(net, X, Y):
    loss, pairs = net.loss_and_gradients(X, Y)
    norms = np.empty(len(pairs))
    for i, pair in enumerate(pairs):
        norms[i] = np.sqrt(np.einsum("ij,ij->", pair[0], pair[0]))
    return norms

# %% deep_norms
sigmoid_norms = layer_gradient_norms(sigmoid_net, X_deep, Y_deep)
relu_norms = layer_gradient_norms(relu_net, X_deep, Y_deep)
sigmoid_ratio, relu_ratio = (norms[0] / norms[len(norms) - 1] for norms in (sigmoid_norms, relu_norms))

# %% initializers
def xavier_uniform(n_in, n_out, rng):
    limit = (6.0 / (n_in + n_out)) ** 0.5
    return limit * (2.0 * rng.random((n_in, n_out)) - 1.0)


def he_normal(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)) * (2.0 / n_in) ** 0.5

# %% vanishing_gradients_answer
Backpropagation reaches layer l through every layer above it: the chain rule multiplies, once per layer, the
derivative of that layer's activation and its weight matrix. The sigmoid's slope is never more than 0.25 (at
z = 0) and much less once a unit saturates, so ten sigmoid layers multiply the gradient by something like
0.25 to the tenth power; my measurement gives a first-to-last norm ratio of about 5e-7. Gradient descent moves
each weight in proportion to its gradient, so the first layers hardly change and the network learns very
slowly, mostly in its top layers. A ReLU unit that is active has slope exactly 1, so nothing shrinks the
product, and with He initialisation the norms stay within an order of magnitude across layers (ratio about
0.45). The price is dead units: a ReLU whose input is negative for all samples gets no gradient at all.
Besides a non-saturating activation, a good initialisation scale (Xavier/He), batch normalisation and
residual connections keep gradients alive in deep networks.
