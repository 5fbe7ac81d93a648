# A second style of correct answers to 06_keras (activation functions as objects, the loss as a function, a float32
# accuracy from a boolean mask, lists accepted, the layer count checked on model.get_weights and all weights set
# at once): autograding them must give full marks.
# %% build_model
def build_model(n_inputs, n_hidden, n_classes):
    layers = [keras.Input(shape=(n_inputs,)),
              keras.layers.Dense(units=n_hidden, activation=keras.activations.relu, name="hidden"),
              keras.layers.Dense(units=n_classes, activation=keras.activations.softmax, name="output")]
    return keras.Sequential(layers)

# %% compile_model
def compile_model(model, learning_rate):
    model.compile(loss=keras.losses.sparse_categorical_crossentropy,
                  optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  metrics=["sparse_categorical_accuracy"])
    return model

# %% train_model
def train_model(model, X_train, y_train, epochs, batch_size):
    settings = {"epochs": epochs, "batch_size": batch_size, "validation_split": 0.1, "verbose": 0}
    return model.fit(np.asarray(X_train), np.asarray(y_train), **settings)

# %% trained_model
model = build_model(64, 32, 10)
model = compile_model(model, 0.01)
history = train_model(model, X_train, y_train, 10, 32)
results = model.evaluate(X_test, y_test, verbose=0)
test_accuracy = float(results[1])

# %% accuracy
def accuracy(probabilities, labels):
    probabilities = np.asarray(probabilities, dtype=np.float32)
    labels = np.asarray(labels).reshape(-1)
    right = probabilities.argmax(axis=-1) == labels
    return np.mean(right, dtype=np.float32)

# %% load_nnkit_weights
def load_nnkit_weights(model, net):
    arrays = []
    for layer in net.layers:
        arrays.extend([layer.W, layer.b])
    if len(model.get_weights()) != len(arrays):
        raise ValueError(f"the model has {len(model.get_weights()) // 2} layers with weights, the network "
                         f"{len(net.layers)}")
    model.set_weights(arrays)
    return model
