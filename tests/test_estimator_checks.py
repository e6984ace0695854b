"""scikit-learn's estimator checks, over the defaults and non-default component mixes."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skweights import MLPClassifier, MLPRegressor
from skweights.initializers import HeUniform
from skweights.optimizers import SGD, Adam, InvScaling, RMSprop
from skweights.penalties import L2, ElasticNet

ESTIMATORS = [
    MLPClassifier(),
    MLPRegressor(),
    MLPClassifier(init="he_normal", penalty="l1", optimizer="sgd"),
    MLPRegressor(
        optimizer="lbfgs", penalty="elasticnet", init="orthogonal", bias_init="zeros"
    ),
    MLPClassifier(
        optimizer=RMSprop(learning_rate=0.01), init="glorot_uniform", bias_init="zeros"
    ),
    MLPRegressor(
        optimizer=Adam(learning_rate=0.01),
        penalty=None,
        activation="tanh",
        init="lecun_normal",
    ),
    MLPClassifier(
        optimizer=SGD(learning_rate=InvScaling(0.05, power_t=0.25)),
        penalty=ElasticNet(l1_ratio=0.5),
        init=[HeUniform(), "glorot_uniform"],
        activation="leaky_relu",
    ),
    MLPRegressor(optimizer="lbfgs", penalty="l1", activation="elu"),
    MLPClassifier(
        constraint="max_norm",
        penalty=L2(penalize_intercepts=True),
        activation="tanh",
        init="orthogonal",
    ),
    MLPRegressor(optimizer="lbfgs", constraint="non_neg", penalty="elasticnet"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
