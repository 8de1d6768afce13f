"""shrinkage: L1, L2 and Elastic-Net penalized linear models, fast.

Estimators follow scikit-learn's API and objective conventions:

* :class:`Lasso`, :class:`ElasticNet`: coordinate descent (Cython) with
  working sets, Gap Safe screening and duality-gap stopping.
* :class:`Ridge`: closed form (dense) or LSQR/CG (sparse).
* :func:`soft_threshold`: the L1 proximal operator.
* :mod:`shrinkage.reference`: plain NumPy implementations, the ground truth.
"""

from . import reference  # noqa: F401
from ._coordinate_descent import ElasticNet, Lasso
from ._ridge import Ridge
from .penalties import soft_threshold

__version__ = "0.1.0"

__all__ = ["ElasticNet", "Lasso", "Ridge", "reference", "soft_threshold", "__version__"]
