# Answers to 07_autoencoders written independently of the solutions (an ascending sort indexed from the end, a
# comprehension over the thresholds, np.trapezoid, signs for the pairs): autograding them must give full marks.
# %% reconstruction_errors
def reconstruction_errors(X, X_hat):
    return ((X - X_hat) ** 2).sum(axis=1)

# %% train_autoencoder
def train_autoencoder(X, y, epochs):
    X_normal = X[y == 0]
    n = X.shape[1]
    model = nnkit.MLP([n, 8, 3, 8, n], activation="tanh", output_activation="sigmoid", seed=0)
    opt = SGD(learning_rate=0.05, batch_size=32, momentum=0.9, seed=0)
    model.fit(X_normal, X_normal, loss="mse", optimizer=opt, epochs=epochs)
    return model

# %% threshold_for_fpr
def threshold_for_fpr(normal_errors, target_fpr):
    s = np.sort(normal_errors)
    k = int(target_fpr * len(s))  # number of false alarms allowed
    return s[len(s) - 1 - k]

# %% confusion_matrix
def confusion_matrix(y_true, y_pred):
    t = np.asarray(y_true) == 1
    p = np.asarray(y_pred) == 1
    return np.array([[np.sum(~t & ~p), np.sum(~t & p)],
                     [np.sum(t & ~p), np.sum(t & p)]])


def rates(cm):
    tn, fp, fn, tp = np.ravel(cm)
    return fp / (fp + tn), tp / (tp + fn)

# %% roc_curve
def roc_curve(y_true, scores):
    y_true = np.asarray(y_true)
    scores = np.asarray(scores)
    thresholds = np.r_[np.inf, np.unique(scores)[::-1]]
    neg, pos = scores[y_true == 0], scores[y_true == 1]
    fpr = np.array([np.mean(neg >= t) for t in thresholds])
    tpr = np.array([np.mean(pos >= t) for t in thresholds])
    return fpr, tpr, thresholds

# %% auc
def auc(x, y):
    x, y = np.asarray(x), np.asarray(y)
    idx = np.lexsort((y, x))
    return np.trapezoid(y[idx], x[idx])

# %% auc_by_pairs
def auc_by_pairs(normal_scores, anomaly_scores):
    signs = np.sign(np.subtract.outer(anomaly_scores, normal_scores))  # 1, 0 or -1 per pair
    return np.mean(signs) / 2 + 0.5

# %% threshold_answer
A higher threshold flags fewer transactions, so fewer normal ones are flagged (lower FPR) but more anomalies slip
through (lower TPR); a lower threshold does the opposite. Each threshold is one point on the ROC curve, and mine
(5 % false alarms on the validation data) sits at about FPR 0.05, TPR 0.84 on the test set. Because only 19 of 810
test transactions are anomalies, 5 % of the normal ones is already 40 false alarms, more than twice the number of
anomalies, so most alarms are false. The right threshold depends on what a missed fraud costs compared with checking a
false alarm (and how many alarms the bank can check). It must come from validation data, since tuning it on the test
set would make the test numbers too optimistic. The AUC (about 0.98) measures how well the errors rank anomalies above
normal transactions over all thresholds, but it says nothing about the precision or the number of false alarms at the
threshold actually used.
