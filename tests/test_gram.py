"""Gram mode (shrinkage._gram): the p x p form of a problem, of CV folds'
training rows, and held-out errors from a test fold's sums.

Every form is checked against the weighted, centred Gram matrix and
correlations computed directly in NumPy from the rows themselves."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import alpha_max, make_regression, run_kernel
from sklearn.model_selection import KFold, ShuffleSplit, TimeSeriesSplit

from shrinkage import ElasticNet, ElasticNetCV, _gram
from shrinkage._coordinate_descent import centred_target, design_stats
from shrinkage._gram import FoldGrams, gram_problem, null_deviance
from shrinkage._validation import as_design

TIGHT = dict(tol=1e-12, max_iter=200_000)


def _direct(X, y, sw, fit_intercept):
    """G, c, xbar, ybar and the null deviance of (X, y, sw), in NumPy."""
    Xd = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=float)
    yd = np.asarray(y, dtype=float)
    w = np.ones(len(yd)) if sw is None else np.asarray(sw, dtype=float)
    xbar = w @ Xd / w.sum() if fit_intercept else np.zeros(Xd.shape[1])
    ybar = w @ yd / w.sum() if fit_intercept else 0.0
    Xc, yc = Xd - xbar, yd - ybar
    G = (Xc * w[:, None]).T @ Xc / w.sum()
    c = Xc.T @ (w * yc) / w.sum()
    return G, c, xbar, ybar, float(w @ yc**2 / w.sum())


def _assert_form(form, X, y, sw, fit_intercept, rtol):
    """The form's A^T A / m and A^T z / m are the rows' G and c; its means,
    null deviance and left-out residual norm are theirs."""
    G, c, xbar, ybar, dev = _direct(X, y, sw, fit_intercept)
    m = form.design.n_samples
    A = form.design.data.reshape(m, -1, order="F").astype(float)
    z = form.z.astype(float)
    # each column is zero from its extent on (the kernels read no further)
    extents = form.design.indptr
    assert all(not A[e:, j].any() for j, e in enumerate(extents))
    scale = np.abs(G).max()
    np.testing.assert_allclose(A.T @ A / m, G, rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(A.T @ z / m, c, rtol=rtol, atol=rtol * np.abs(c).max())
    np.testing.assert_allclose(form.xbar, xbar, rtol=1e-12, atol=1e-12)
    assert form.ybar == pytest.approx(ybar, rel=1e-12, abs=1e-12)
    assert form.null_deviance == pytest.approx(dev, rel=1e-12)
    assert form.rss_extra == pytest.approx(
        max(dev - np.mean(z**2), 0.0), rel=1e-9, abs=1e-12 * dev
    )
    assert form.rss_extra >= 0.0


def _layout(X, layout):
    return {
        "C": np.ascontiguousarray,
        "float32": lambda a: a.astype(np.float32),
        "sparse": sp.csc_matrix,
    }.get(layout, np.asfortranarray)(X)


@pytest.mark.parametrize("layout", ["F", "C", "float32", "sparse"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gram_problem_is_the_centred_weighted_gram(layout, weighted, fit_intercept):
    X, y = make_regression(300, 9, density=0.4 if layout == "sparse" else None)
    X = _layout(X.toarray() if sp.issparse(X) else X, layout)
    sw = np.random.default_rng(5).uniform(0.2, 2, 300) if weighted else None
    y = y.astype(X.dtype)
    form = gram_problem(X, y, sw, fit_intercept)
    assert form.design.data.dtype == X.dtype and form.z.dtype == X.dtype
    _assert_form(form, X, y, sw, fit_intercept, 1e-5 if layout == "float32" else 1e-11)


def test_constant_columns_are_exact_zeros_of_the_form():
    # Centring leaves rounding noise of the mean in a constant column (the
    # mean of 3.7s is not exactly 3.7); the form drops it to exact zeros and
    # factors the other columns' block.
    X, y = make_regression(200, 6, seed=3)
    X[:, 2] = 3.7
    X[:, 4] = 0.0
    form = gram_problem(X, y, None, True)
    m = form.design.n_samples
    assert m == 4
    A = form.design.data.reshape(m, 6, order="F")
    assert not A[:, [2, 4]].any()
    _assert_form(form, X, y, None, True, 1e-11)
    assert null_deviance(y, None, True) == pytest.approx(np.var(y), rel=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_gram_mode_gap_is_the_original_problems(weighted, l1_ratio):
    # At the same (non-optimal) w, the kernel's gap on the Gram form, told
    # the residual norm that form leaves out (rss_extra), equals its gap on X
    # itself: a Gram-mode solve is certified, and stops, as a direct one.
    # Without it the p x p problem's own gap is smaller (never larger).
    X, y = make_regression(150, 10, seed=23)
    sw = np.random.default_rng(4).uniform(0.3, 3, 150) if weighted else None
    alpha = alpha_max(X, y, l1_ratio, sample_weight=sw) / 5
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    # a point short of the optimum, whose support violates its optimality
    # conditions (there the dual point's scale, and so r_perp, matters)
    kw = dict(alpha=alpha, l1_ratio=l1_ratio, **TIGHT)
    w = 0.9 * ElasticNet(**kw).fit(X, y, sample_weight=sw).coef_
    design = as_design(np.asfortranarray(X))
    _, yc = centred_target(y, sw, np.float64)
    stats = design_stats(design, sw, True)
    direct = run_kernel(design, yc, w.copy(), stats, l1, l2, 0, 0.0, sw=sw)[1]
    form = gram_problem(X, y, sw, True)
    gram_stats = design_stats(form.design, None, False)
    assert form.rss_extra > 0
    args = (form.design, form.z, w.copy(), gram_stats, l1, l2, 0, 0.0)
    gram = run_kernel(*args, fit_intercept=False, rss_extra=form.rss_extra)[1]
    own = run_kernel(*args, fit_intercept=False)[1]
    assert gram == pytest.approx(direct, rel=1e-9)
    assert own <= direct * (1 + 1e-12)
    if l1_ratio == 1.0:
        assert own < 0.99 * direct


SPLITTERS = {
    # test folds partition the rows, training rows their complements
    "kfold": KFold(4, shuffle=True, random_state=0),
    # complements, but the test folds overlap and miss rows
    "shuffle": ShuffleSplit(3, test_size=0.3, random_state=1),
    # neither: the training rows precede the test rows
    "time": TimeSeriesSplit(3),
}


def _folds(splitter, X):
    return [(np.asarray(a), np.asarray(b)) for a, b in splitter.split(X)]


@pytest.mark.parametrize("splitter", sorted(SPLITTERS))
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("keep", [True, False])
@pytest.mark.parametrize("layout", ["F", "C", "float32", "sparse"])
def test_fold_forms_are_the_training_rows_forms(
    splitter, weighted, fit_intercept, keep, layout, monkeypatch
):
    if not keep:  # test folds' sums formed again when asked for
        monkeypatch.setattr(_gram, "_keep_test_sums", lambda X, k: False)
    X, y = make_regression(240, 8, seed=11)
    if layout == "sparse":
        X[np.random.default_rng(3).random(X.shape) < 0.6] = 0.0
    X = _layout(X, layout)
    y = y.astype(X.dtype)
    rtol = 1e-5 if layout == "float32" else 1e-10
    sw = np.random.default_rng(2).uniform(0.2, 3, 240) if weighted else None
    folds = _folds(SPLITTERS[splitter], X)
    grams = FoldGrams(X, y, sw, fit_intercept, folds)
    assert (grams.tests[0] is not None) == (keep and splitter == "kfold")
    grams.test_errors(0, sp.csc_matrix((8, 1)), np.zeros(1))
    assert grams.tests[0] is not None  # formed once for the fold's task
    grams.release(0)
    assert (grams.tests[0] is not None) == keep  # then kept only if all may be
    for f, (train, _) in enumerate(folds):
        sw_train = None if sw is None else sw[train]
        form = grams.train_form(f)
        _assert_form(form, X[train], y[train], sw_train, fit_intercept, rtol)
    _assert_form(grams.whole_form(), X, y, sw, fit_intercept, rtol)


def test_fold_forms_with_large_offsets():
    # Columns with means of 1e6 and a response offset of 1e8: the sums are
    # taken about a centre near the column means, so subtracting a test fold loses
    # no more than the direct formation does.
    X, y = make_regression(300, 7, seed=4)
    X = X + np.linspace(1e5, 1e6, 7)
    y = y + 1e8
    folds = _folds(KFold(5, shuffle=True, random_state=3), X)
    grams = FoldGrams(X, y, None, True, folds)
    for f, (train, _) in enumerate(folds):
        _assert_form(grams.train_form(f), X[train], y[train], None, True, 1e-8)


def test_column_constant_on_training_rows_only():
    # Column 3 is 0.7 on all rows but one; for the fold that holds that row
    # out it is constant on the training rows: whole minus test would leave
    # rounding noise there (a column of 2e-8 in the form), so that fold is
    # formed from its rows, and the column is an exact zero of its form.
    X, y = make_regression(100, 5, seed=8)
    X[:, 3] = 0.7
    X[17, 3] = 50.3
    folds = _folds(KFold(4), X)
    grams = FoldGrams(X, y, None, True, folds)
    for f, (train, test) in enumerate(folds):
        form = grams.train_form(f)
        _assert_form(form, X[train], y[train], None, True, 1e-10)
        m = form.design.n_samples
        A = form.design.data.reshape(m, 5, order="F")
        assert (17 in test) == (not A[:, 3].any())


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_held_out_errors_from_the_test_sums(weighted, fit_intercept):
    X, y = make_regression(200, 10, seed=6)
    sw = np.random.default_rng(7).uniform(0.2, 3, 200) if weighted else None
    folds = _folds(KFold(4, shuffle=True, random_state=2), X)
    grams = FoldGrams(X, y, sw, fit_intercept, folds)
    rng = np.random.default_rng(0)
    coefs = sp.random(10, 6, density=0.5, format="csc", random_state=1) * 3
    intercepts = rng.standard_normal(6)
    for f, (_, test) in enumerate(folds):
        pred = X[test] @ coefs.toarray() + intercepts
        err = (y[test, None] - pred) ** 2
        expected = np.average(err, axis=0, weights=None if sw is None else sw[test])
        got = grams.test_errors(f, coefs, intercepts)
        np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_held_out_errors_of_a_near_exact_fit():
    # y = X w exactly (up to rounding): the errors are far below the terms
    # whose difference gives them; such alphas are predicted row by row,
    # and all errors stay accurate.
    X, _ = make_regression(120, 6, seed=5)
    w = np.arange(1.0, 7.0)
    y = X @ w + 3.0
    folds = _folds(KFold(3, shuffle=True, random_state=0), X)
    grams = FoldGrams(X, y, None, True, folds)
    coefs = sp.csc_matrix(np.column_stack([w, 0.5 * w, w * (1 + 1e-9)]))
    intercepts = np.array([3.0, 3.0, 3.0])
    for f, (_, test) in enumerate(folds):
        pred = X[test] @ coefs.toarray() + intercepts
        expected = np.mean((y[test, None] - pred) ** 2, axis=0)
        got = grams.test_errors(f, coefs, intercepts)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-28)
        assert got[0] < 1e-20


@pytest.mark.parametrize("splitter", sorted(SPLITTERS))
def test_gram_mode_cv_equals_the_direct_route_for_any_splitter(splitter):
    X, y = make_regression(180, 12, seed=9)
    kw = dict(l1_ratio=[0.5, 1.0], cv=SPLITTERS[splitter], n_alphas=12)
    kw.update(tol=1e-12, max_iter=100_000)
    gram = ElasticNetCV(precompute=True, **kw).fit(X, y)
    direct = ElasticNetCV(precompute=False, **kw).fit(X, y)
    np.testing.assert_allclose(gram.mse_path_, direct.mse_path_, rtol=1e-7)
    # a default grid's alpha_max comes from the Gram form's correlations in
    # one route and from X in the other: equal up to rounding, so the two
    # must pick the same point of the grid, not the same last bit
    np.testing.assert_allclose(gram.alphas_, direct.alphas_, rtol=1e-12)
    assert gram.l1_ratio_ == direct.l1_ratio_
    assert np.flatnonzero(gram.alphas_.ravel() == gram.alpha_).tolist() == (
        np.flatnonzero(direct.alphas_.ravel() == direct.alpha_).tolist()
    )
    np.testing.assert_allclose(gram.coef_, direct.coef_, rtol=1e-6, atol=1e-9)


def test_gram_path_on_a_long_triangular_design():
    # 300 features: the Gram-mode design (300 x 300, upper triangular) is
    # long enough for the blocked BLAS products of the gap checks; every
    # alpha's objective matches the direct route's within the path's gaps.
    from shrinkage import lasso_path

    X, y = make_regression(700, 300, seed=31)
    kw = dict(n_alphas=8, eps=1e-2, fit_intercept=True, tol=1e-10, max_iter=100_000)
    alphas, gram, gaps = lasso_path(X, y, precompute=True, **kw)
    _, direct, _ = lasso_path(X, y, alphas=alphas, precompute=False, **kw)
    assert gram_problem(X, y, None, True).design.indptr.tolist() == list(range(1, 301))
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    for k, alpha in enumerate(alphas):
        objs = [
            0.5 * np.mean((yc - Xc @ c[:, k]) ** 2) + alpha * np.abs(c[:, k]).sum()
            for c in (gram, direct)
        ]
        assert abs(objs[0] - objs[1]) <= gaps[k] + 1e-12 * objs[1]


def test_gram_mode_cv_with_a_repeated_test_row():
    # A CV iterable whose first test fold holds a row twice: its held-out
    # error counts that row twice (as the direct route's), and the folds do
    # not partition the rows.
    X, y = make_regression(90, 6, seed=13)
    folds = _folds(KFold(3), X)
    train, test = folds[0]
    folds[0] = (train, np.concatenate([test, test[:1]]))
    grams = FoldGrams(X, y, None, True, folds)
    assert grams.tests[0] is None  # no partition: sums formed per fold
    kw = dict(cv=folds, n_alphas=8, tol=1e-12, max_iter=100_000)
    gram = ElasticNetCV(l1_ratio=0.7, precompute=True, **kw).fit(X, y)
    direct = ElasticNetCV(l1_ratio=0.7, precompute=False, **kw).fit(X, y)
    np.testing.assert_allclose(gram.mse_path_, direct.mse_path_, rtol=1e-7)


@pytest.mark.parametrize("layout", ["F", "C", "strided", "float32"])
@pytest.mark.parametrize("centred", [True, False])
def test_gather_centred_rows_equals_numpy_indexing(layout, centred):
    """The compiled gather of ``_row_block`` against NumPy's fancy indexing,
    for either memory order, a strided view and float32, out in F or C."""
    from shrinkage._kernels._enet import gather_centred_rows

    rng = np.random.default_rng(3)
    base = rng.standard_normal((40, 14))
    X = {
        "F": np.asfortranarray(base),
        "C": np.ascontiguousarray(base),
        "strided": np.asfortranarray(base)[::2, ::3],
        "float32": np.asfortranarray(base, dtype=np.float32),
    }[layout]
    rows = rng.permutation(X.shape[0])[: X.shape[0] - 3].astype(np.intp)
    rows[1] = rows[0]  # a repeated row is gathered twice
    center = rng.standard_normal(X.shape[1]) if centred else np.empty(0)
    expected = X[rows].astype(np.float64) - (center if centred else 0.0)
    for order in "FC":
        out = np.empty((rows.size, X.shape[1]), order=order)
        gather_centred_rows(X, rows, center, out)
        np.testing.assert_array_equal(out, expected)


def test_gather_centred_rows_refuses_bad_rows_and_shapes():
    from shrinkage._kernels._enet import gather_centred_rows

    X = np.asfortranarray(np.ones((5, 3)))
    out = np.empty((2, 3), order="F")
    for rows in ([0, 5], [-1, 0]):
        with pytest.raises(ValueError, match="out of range"):
            gather_centred_rows(X, np.array(rows, dtype=np.intp), np.empty(0), out)
    with pytest.raises(ValueError, match="shapes"):
        gather_centred_rows(X, np.array([0, 1, 2], dtype=np.intp), np.empty(0), out)
    with pytest.raises(ValueError, match="shapes"):
        gather_centred_rows(X, np.array([0, 1], dtype=np.intp), np.zeros(2), out)


# Gram mode checks X's values from its sums of squares (values_summary)
# instead of a pass of its own: every entry point must refuse bad X with
# the direct route's error, wherever the bad value lies.
def _gram_entry_points():
    from shrinkage import LassoCV, lasso_path

    cv = KFold(3, shuffle=True, random_state=0)
    return {
        "ElasticNet": lambda X, y, sw, gram: ElasticNet(alpha=0.1, precompute=gram).fit(
            X, y, sample_weight=sw
        ),
        "lasso_path": lambda X, y, sw, gram: lasso_path(
            X, y, n_alphas=5, fit_intercept=True, precompute=gram, sample_weight=sw
        ),
        "LassoCV": lambda X, y, sw, gram: LassoCV(  # (sums in two threads)
            n_alphas=5, cv=cv, precompute=gram, n_jobs=2
        ).fit(X, y, sample_weight=sw),
        "ElasticNetCV": lambda X, y, sw, gram: ElasticNetCV(
            l1_ratio=[0.5, 1.0], n_alphas=5, cv=cv, precompute=gram
        ).fit(X, y, sample_weight=sw),
    }


@pytest.mark.parametrize(
    "entry", ["ElasticNet", "lasso_path", "LassoCV", "ElasticNetCV"]
)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, "huge"])
@pytest.mark.parametrize("weights", ["none", "positive", "with_zero"])
def test_gram_mode_refuses_bad_X_as_the_direct_route(entry, bad, weights):
    fit = _gram_entry_points()[entry]
    X, y = make_regression(60, 4, seed=2)
    sw = {
        "none": None,
        "positive": np.random.default_rng(0).uniform(0.5, 2.0, 60),
        "with_zero": np.r_[0.0, np.ones(59)],
    }[weights]
    for row in (0, 17, 59):  # row 0: a zero weight in "with_zero"
        Xb = np.asfortranarray(X.copy())
        Xb[row, 2] = 1e300 if bad == "huge" else bad
        errors = {}
        for gram in (True, False):
            with pytest.raises(ValueError) as info:
                fit(Xb, y, sw, gram)
            errors[gram] = str(info.value)
        assert errors[True] == errors[False]
        assert "X" in errors[True]


def test_values_summary_bounds_every_value():
    from shrinkage._gram import values_summary

    rng = np.random.default_rng(4)
    X = rng.standard_normal((50, 6)) * 10 + 100
    sw = rng.uniform(0.1, 3.0, 50)
    center = X[::7].mean(axis=0)
    squares = (sw[:, None] * (X - center) ** 2).sum(axis=0)
    finite, bound = values_summary(squares, center, sw)
    assert finite and bound >= np.abs(X).max()
    assert values_summary(squares, center, None)[1] <= bound  # weights >= 0.1
    squares[3] = np.inf
    assert not values_summary(squares, center, sw)[0]
    squares[3] = np.nan
    assert not values_summary(squares, center, sw)[0]
    assert values_summary(squares, center, np.r_[0.0, sw[1:]]) is None


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("zeros", [False, True])
def test_training_weight_sum_that_cancels(zeros):
    """A test fold holding nearly all the weight (4 against 1e-16s): whole
    minus test leaves a training weight sum of 0 by cancellation, so that
    fold is formed from its rows (before: a division by zero, an error for
    an all-zero X, found by test_fuzz.py). The CV errors are the direct
    route's."""
    rng = np.random.default_rng(0)
    X, y = rng.random((4, 3)), rng.random(4)
    if zeros:
        X[:] = 0.0
    tiny = np.finfo(np.float64).eps
    sw = np.array([4.0, tiny, tiny, tiny])
    # (an explicit grid: alpha_max itself, from sums of weights 1e-16, is
    # only good to a few digits here, differently on each route)
    kw = dict(cv=2, alphas=[1e-16, 1e-17, 1e-18], l1_ratio=[0.5, 1.0], tol=1e-12)
    gram = ElasticNetCV(precompute=True, **kw).fit(X, y, sample_weight=sw)
    direct = ElasticNetCV(precompute=False, **kw).fit(X, y, sample_weight=sw)
    assert np.all(np.isfinite(gram.mse_path_))
    np.testing.assert_allclose(gram.mse_path_, direct.mse_path_, rtol=1e-6)
