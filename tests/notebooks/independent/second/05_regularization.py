# A second style of correct answers to 05_regularization (Python loops, own helpers, lists accepted, the layers'
# arrays through net.layers, counters in a while loop): autograding them must give full marks.
# %% l2
def _is_weight_matrix(p):
    return np.asarray(p).ndim == 2


def l2_penalty(params, lam, n_samples):
    squares = 0.0
    for p in params:
        if _is_weight_matrix(p):
            for row in np.asarray(p, dtype=np.float64):
                for w in row:
                    squares += w * w
    return float(lam) * squares / float(n_samples)


def l2_gradients(params, lam, n_samples):
    grads = []
    for p in params:
        p = np.array(p, dtype=np.float64)
        grads.append(p * (2.0 * lam / n_samples) if _is_weight_matrix(p) else np.zeros(p.shape))
    return grads

# %% regularised_loss_and_gradients
def regularised_loss_and_gradients(net, X, Y, lam):
    n = len(X)
    loss, pairs = net.loss_and_gradients(X, Y, loss="mse", l2=0.0)
    params = [a for layer in net.layers for a in (layer.W, layer.b)]
    penalty_grads = iter(l2_gradients(params, lam, n))
    total = []
    for dW, db in pairs:
        total.append((dW + next(penalty_grads), db + next(penalty_grads)))
    return float(loss) + l2_penalty(params, lam, n), total

# %% early_stopping_epochs
def early_stopping_epochs(val_losses, patience):
    best_loss, best_epoch, bad_epochs = None, None, 0
    epoch = 0
    while epoch < len(val_losses):
        loss = val_losses[epoch]
        if best_loss is None or loss < best_loss:
            best_loss, best_epoch, bad_epochs = loss, epoch, 0
        else:
            bad_epochs += 1
            if bad_epochs == patience:
                return (best_epoch, epoch)
        epoch += 1
    return (best_epoch, None)

# %% fit_with_early_stopping
def _mse(prediction, target):
    diff = np.asarray(prediction) - np.asarray(target)
    return float(np.sum(diff * diff)) / diff.size


def fit_with_early_stopping(net, X_train, Y_train, X_val, Y_val, learning_rate, max_epochs, patience):
    train_losses, val_losses = [], []
    best_weights, best_epoch, bad_epochs = net.get_weights(), 0, 0
    for epoch in range(max_epochs):
        loss, grads = net.loss_and_gradients(X_train, Y_train)
        train_losses.append(loss)
        for i in range(len(net.layers)):
            net.layers[i].W -= learning_rate * grads[i][0]
            net.layers[i].b -= learning_rate * grads[i][1]
        val_losses.append(_mse(net.predict(X_val), Y_val))
        if epoch == 0 or val_losses[-1] < min(val_losses[:-1]):
            best_weights, best_epoch, bad_epochs = net.get_weights(), epoch, 0
        else:
            bad_epochs += 1
            if bad_epochs >= patience:
                break
    net.set_weights(best_weights)
    return train_losses, val_losses, best_epoch

# %% validation_curve
def _trained(lam):
    net = new_network()
    net.fit(X_train, Y_train, loss="mse", optimizer=GradientDescent(0.1, momentum=0.9), epochs=1500, l2=lam)
    return net


def validation_curve(lams):
    return np.array([nnkit.losses.mse(Y_val, _trained(lam).predict(X_val)) for lam in list(lams)])

# %% best_lam
val_mse = validation_curve(LAMS)
best_lam, lowest = None, np.inf
for lam, mse in zip(LAMS, val_mse):
    if mse < lowest:
        best_lam, lowest = lam, mse
