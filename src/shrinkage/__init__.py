"""shrinkage: L1, L2 and Elastic-Net penalized linear models, fast.

Estimators follow scikit-learn's API and objective conventions:

* :class:`Lasso`, :class:`ElasticNet`: coordinate descent (Cython) with
  working sets, Gap Safe screening and duality-gap stopping.
* :class:`Ridge`: closed form (dense) or LSQR/CG (sparse).
* :func:`lasso_path`, :func:`enet_path`, :func:`ridge_path`: warm-started
  regularization paths; :class:`LassoCV`, :class:`ElasticNetCV`: choose alpha.
* :class:`LogisticRegression`: L1/L2/elastic-net binary and multinomial
  logistic regression by proximal Newton on the same core.
* :func:`soft_threshold`: the L1 proximal operator.
* :mod:`shrinkage.reference`: plain NumPy implementations, the ground truth.
"""

from . import reference  # noqa: F401
from ._coordinate_descent import ElasticNet, Lasso
from ._cv import ElasticNetCV, LassoCV
from ._logistic import LogisticRegression
from ._logistic_cv import LogisticRegressionCV, logistic_path
from ._path import alpha_grid, alpha_max, enet_path, lasso_path, ridge_path
from ._ridge import Ridge
from ._ridge_cv import RidgeCV
from .penalties import soft_threshold

__version__ = "0.1.0"

__all__ = [
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "LogisticRegression",
    "LogisticRegressionCV",
    "Ridge",
    "RidgeCV",
    "__version__",
    "alpha_grid",
    "alpha_max",
    "enet_path",
    "lasso_path",
    "logistic_path",
    "reference",
    "ridge_path",
    "soft_threshold",
]
