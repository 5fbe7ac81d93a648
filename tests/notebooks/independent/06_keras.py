# Answers to 06_keras written independently of the solutions (separate activation layers, loss and metric
# objects, evaluate as a dict, a counting loop, Variable.assign): autograding them must give full marks.
# %% build_model
def build_model(n_inputs, n_hidden, n_classes):
    model = keras.Sequential()
    model.add(keras.Input(shape=(n_inputs,)))
    model.add(keras.layers.Dense(n_hidden))
    model.add(keras.layers.ReLU())
    model.add(keras.layers.Dense(n_classes))
    model.add(keras.layers.Softmax())
    return model

# %% compile_model
def compile_model(model, learning_rate):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model

# %% train_model
def train_model(model, X_train, y_train, epochs, batch_size):
    return model.fit(x=X_train, y=y_train, batch_size=batch_size, epochs=epochs, verbose=0, validation_split=0.1,
                     shuffle=True)

# %% trained_model
model = build_model(X_train.shape[1], 32, 10)
compile_model(model, 0.01)
history = train_model(model, X_train, y_train, 10, 32)
scores = model.evaluate(X_test, y_test, verbose=0, return_dict=True)
test_accuracy = scores["sparse_categorical_accuracy"]

# %% accuracy
def accuracy(probabilities, labels):
    probabilities = np.asarray(probabilities)
    labels = np.asarray(labels).ravel()
    right = 0
    for row, label in zip(probabilities, labels):
        if int(np.argmax(row)) == int(label):
            right += 1
    return right / len(labels)

# %% load_nnkit_weights
def load_nnkit_weights(model, net):
    dense = [layer for layer in model.layers if hasattr(layer, "kernel")]
    if len(dense) != len(net.layers):
        raise ValueError(f"cannot copy {len(net.layers)} nnkit layers into {len(dense)} Dense layers")
    for target, source in zip(dense, net.layers):
        target.kernel.assign(source.W.astype("float32"))
        target.bias.assign(source.b.astype("float32"))
    return model
