"""Pieces shared by every linear estimator: prediction and the sparse view."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import check_is_fitted

from ._validation import validate_predict_data


class LinearPredictorMixin:
    """``predict`` for a fitted ``coef_``/``intercept_`` pair: X w + b."""

    def __sklearn_tags__(self):
        # Every estimator built on this mixin fits and predicts on scipy
        # sparse X (the validation gate accepts CSC/CSR/COO and converts
        # the rest): say so, or scikit-learn's checks expect sparse X to be
        # rejected. Put the mixin before the sklearn bases so that this
        # override refines their tags.
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _decision_function(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = validate_predict_data(self, X)
        coef = self.coef_
        return safe_sparse_dot(X, coef.T, dense_output=True) + self.intercept_

    def predict(self, X: Any) -> np.ndarray:
        """Predict with the fitted linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        return self._decision_function(X)

    @property
    def sparse_coef_(self) -> sp.csr_matrix:
        """``coef_`` as a scipy.sparse CSR matrix of one row per target."""
        return sp.csr_matrix(np.atleast_2d(self.coef_))
