# A second style of answers to 07_autoencoders (Python loops, boolean masks, own helper functions, lists): autograding
# them must give full marks too.
# %% reconstruction_errors
def squared_distance(a, b):
    total = 0.0
    for u, v in zip(a, b):
        total += (u - v) * (u - v)
    return total


def reconstruction_errors(X, X_hat):
    return np.array([squared_distance(row, row_hat) for row, row_hat in zip(X, X_hat)])

# %% train_autoencoder
def normal_rows(X, y):
    keep = []
    for i in range(len(y)):
        if y[i] == 0:
            keep.append(i)
    return X[keep]


def train_autoencoder(X, y, epochs):
    data = normal_rows(X, y)
    sizes = [X.shape[1], 8, 3, 8, X.shape[1]]
    net = nnkit.MLP(sizes, activation="tanh", output_activation="sigmoid", seed=0)
    history = net.fit(data, data, loss="mse", epochs=epochs,
                      optimizer=SGD(learning_rate=0.05, batch_size=32, momentum=0.9, seed=0))
    return net

# %% threshold_for_fpr
import math


def threshold_for_fpr(normal_errors, target_fpr):
    ordered = sorted((float(e) for e in normal_errors), reverse=True)
    allowed = math.floor(target_fpr * len(ordered))
    return ordered[allowed]

# %% confusion_matrix
def confusion_matrix(y_true, y_pred):
    counts = [[0, 0], [0, 0]]
    for truth, guess in zip(y_true, y_pred):
        counts[int(truth)][int(guess)] += 1
    return np.array(counts)


def rates(cm):
    normal_row, anomaly_row = cm[0], cm[1]
    false_alarms = normal_row[1] / (normal_row[0] + normal_row[1])
    caught = anomaly_row[1] / (anomaly_row[0] + anomaly_row[1])
    return (false_alarms, caught)

# %% roc_curve
def share_at_least(values, t):
    if len(values) == 0:
        return 0.0
    return sum(1 for v in values if v >= t) / len(values)


def roc_curve(y_true, scores):
    normal = [s for s, label in zip(scores, y_true) if label == 0]
    anomalous = [s for s, label in zip(scores, y_true) if label == 1]
    thresholds = [math.inf] + sorted(set(float(s) for s in scores), reverse=True)
    fpr = [share_at_least(normal, t) for t in thresholds]
    tpr = [share_at_least(anomalous, t) for t in thresholds]
    return np.array(fpr), np.array(tpr), np.array(thresholds)

# %% auc
def auc(x, y):
    points = sorted(zip(list(x), list(y)))
    area = 0.0
    for k in range(1, len(points)):
        (x0, y0), (x1, y1) = points[k - 1], points[k]
        area += (x1 - x0) * (y0 + y1) / 2
    return area

# %% auc_by_pairs
def auc_by_pairs(normal_scores, anomaly_scores):
    wins = 0.0
    for a in anomaly_scores:
        for n in normal_scores:
            if a > n:
                wins += 1
            elif a == n:
                wins += 0.5
    return wins / (len(anomaly_scores) * len(normal_scores))

# %% threshold_answer
Moving the threshold up means fewer alarms: the false-positive rate drops, and so does the true-positive rate, because
anomalies with small errors are missed. Moving it down catches more anomalies but raises more false alarms. In the
notebook the threshold for 5 % false positives gives about 84 % of the anomalies; on the ROC curve it is the point
near x = 0.05. With so few anomalies (about 2 %), 5 % of ~800 normal transactions is ~40 false alarms against 16
caught frauds. Which point to pick depends on costs: lost money for a missed fraud versus the work (and annoyed
customers) for every false alarm. I pick it on validation data and only look at the test set at the end, otherwise the
test estimate is biased. The AUC summarises the whole curve (the chance that an anomaly scores above a normal one) but
not the error rates at my threshold.
