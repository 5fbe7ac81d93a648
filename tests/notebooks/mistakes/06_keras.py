"""Typical mistakes in assignment 06 (Keras); format: harness.py. One mistake costs its own item only: the tests
of compile_model, train_model and load_nnkit_weights run on a model the test cell builds (checks.keras_mlp)."""
from harness import Mistake

MISTAKES = [
    Mistake("sigmoid-output-layer", "build_model", 'keras.layers.Dense(n_classes, activation="softmax")',
            'keras.layers.Dense(n_classes, activation="sigmoid")', ["test_build_model_function"],
            "output layer softmax"),
    Mistake("from-logits-on-probabilities", "compile_model", 'loss="sparse_categorical_crossentropy"',
            "loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)", ["test_compile_model"],
            "from_logits=False"),
    Mistake("no-validation-split", "train_model", ", validation_split=0.1", "", ["test_train_model_history"],
            "validation_split=0.1"),
    Mistake("test-accuracy-is-the-loss", "trained_model", "test_loss, test_accuracy = ", "test_accuracy, test_loss = ",
            ["test_test_accuracy"], "second of"),
    # an exception: the student's own run shows the cell's hint ("np.argmax along axis 1", "no transpose") with it;
    # the graded feedback names the exception and where it happened
    Mistake("argmax-along-axis-0", "accuracy", "axis=1", "axis=0", ["test_accuracy_values", "test_accuracy_edges"],
            "np.argmax along axis 1"),
    Mistake("transposed-weights", "load_nnkit_weights", "[nnkit_layer.W, nnkit_layer.b]",
            "[nnkit_layer.W.T, nnkit_layer.b]",
            ["test_load_nnkit_weights_predictions", "test_load_nnkit_weights_layers"], "ValueError in load_nnkit_weights"),
    Mistake("no-layer-count-check", "load_nnkit_weights", "    if len(dense) != len(net.layers):\n", "    if False:\n",
            ["test_load_nnkit_weights_mismatch"], "before copying anything"),
]
