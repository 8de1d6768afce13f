"""Cross-validated L1 logistic regression (issue 5): our ``LogisticRegressionCV``
against scikit-learn's (liblinear, optionally saga) and python-glmnet's
``LogitNet``, on the same grid, at matched accuracy, one BLAS thread.

What is compared. Each library's whole cross-validation fit (every fold's
path over the grid, the held-out scores, the final refit), as a user calls
it. The accuracy that matters to that user is the mean held-out log-loss
curve, from which the alpha is chosen. So each library is run over a ladder
of its own tolerance settings, and for a target ``eps`` the time counted is
the median time of the fastest setting whose curve is within ``eps`` (max
over the grid of the relative difference) of the **exact curve**: ours at
``--reference-tol`` on the same folds (untimed). The report also says
whether each setting chooses the exact curve's alpha, and how close each
peer's tightest setting comes to the exact curve (an independent check of
the reference: scikit-learn's and glmnet's solvers are not ours).

Same problem for every library. The objective of each fold is

    1/n_train sum_i log(1 + exp(-y_i x_i.w)) + alpha ||w||_1,

with no intercept (liblinear would penalise one; the mean loss is glmnet's
lambda convention as well). scikit-learn's ``C`` is ``1 / (n_train alpha)``,
which is one value per alpha only when every training fold has the same
size: the rows are cut to a multiple of the fold count (at most
``folds - 1`` rows dropped) and split by ``KFold(shuffle=True,
random_state=0)``, the same splitter object for ours and scikit-learn.
``LogitNet`` takes no splitter: it splits by ``StratifiedKFold(n_splits,
shuffle=True, random_state)``, so its curve is checked against our exact
curve on that splitter. Its lambda is our alpha (``standardize=False``).
``LogitNet`` also fits the whole path on all rows before its folds (as
``cv.glmnet`` does); ours and scikit-learn refit once at the chosen alpha.

Usage (from the repository root)::

    python benchmarks/bench_logistic_cv.py --quick    # about 1.5 min on 2 idle cores
    python benchmarks/bench_logistic_cv.py            # full run (about 20 min)

Results: ``benchmarks/results/logistic_cv.md`` and ``.json``
(``logistic_cv_<name>.*`` with ``--name``, ``logistic_cv_quick.*`` with
``--quick``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bench_cv import (  # noqa: E402
    load,
    machine_lines,
    max_rel_diff,
    measure,
    median,
    new_run,
)
from bench_logistic import (  # noqa: E402
    DEFAULT_DATA,
    REAL_FILES,
    SIZES,
    Problem,
    alpha_max,
    canonical,
    load_real,
    make_synthetic,
    source_state,
)
from bench_peers import fmt_time, log, tol_ladder  # noqa: E402

ALL_SOLVERS = ["shrinkage", "liblinear", "saga", "glmnet"]
DEFAULT_SOLVERS = ["shrinkage", "liblinear", "glmnet"]
PROBLEMS = {
    "full": ["leukemia", "colon-cancer", "rcv1", "basehock", "pcmac", "mushrooms"],
    "quick": ["synth-dense", "leukemia"],
    "tiny": ["tiny-dense", "tiny-sparse"],
}
TARGETS = (1e-3, 1e-5)


class Unavailable(Exception):
    """The solver cannot run here (not installed)."""


# --------------------------------------------------------------------------
# The three libraries' CV fits: each returns (mean held-out log-loss per
# alpha, in the grid's order, and the chosen alpha)
# --------------------------------------------------------------------------


def fit_ours(X, y, alphas, cv, tol: float, max_iter: int = 1000):
    import shrinkage

    model = shrinkage.LogisticRegressionCV(
        alphas=alphas,
        cv=cv,
        fit_intercept=False,
        scoring="neg_log_loss",
        tol=tol,
        max_iter=max_iter,
    ).fit(X, y)
    # scores_: (n_alphas, n_folds), the negated log-loss of each fold
    return -np.asarray(model.scores_).mean(axis=1), float(model.alpha_)


def fit_sklearn(X, y, alphas, cv, tol: float, solver: str):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegressionCV

    n_train = X.shape[0] - X.shape[0] // cv.get_n_splits()
    Cs = 1.0 / (n_train * np.asarray(alphas))  # increasing: alphas decrease
    model = LogisticRegressionCV(
        Cs=Cs,
        l1_ratios=(1.0,),
        solver=solver,
        fit_intercept=False,
        cv=cv,
        scoring="neg_log_loss",
        tol=tol,
        max_iter=1000 if solver == "liblinear" else 10_000,
        use_legacy_attributes=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    # scores_: (n_folds, n_l1_ratios, n_Cs)
    curve = -np.asarray(model.scores_)[:, 0, :].mean(axis=0)
    return curve, float(1.0 / (n_train * model.C_))


def fit_glmnet(X, y, alphas, n_splits: int, tol: float):
    try:
        import glmnet
    except ImportError as exc:
        raise Unavailable(str(exc)) from None
    model = glmnet.LogitNet(
        alpha=1.0,
        lambda_path=np.asarray(alphas),
        standardize=False,
        fit_intercept=False,
        n_splits=n_splits,
        scoring="log_loss",
        cut_point=0.0,  # lambda_best_: the best mean score, not the 1-SE rule
        tol=tol,
        max_iter=100_000,
        random_state=0,
        n_jobs=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return -np.asarray(model.cv_mean_score_), float(np.ravel(model.lambda_best_)[0])


def stratified(n_splits: int):
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)


def runner(name: str, X, y, alphas, args):
    """(fit(tol) -> (curve, alpha), splitter name) for one solver."""
    from sklearn.model_selection import KFold

    kfold = KFold(n_splits=args.folds, shuffle=True, random_state=0)
    if name == "shrinkage":
        return (lambda tol: fit_ours(X, y, alphas, kfold, tol)), "kfold"
    if name in ("liblinear", "saga"):
        return (lambda tol: fit_sklearn(X, y, alphas, kfold, tol, name)), "kfold"
    if name == "glmnet":
        return (lambda tol: fit_glmnet(X, y, alphas, args.folds, tol)), "stratified"
    raise ValueError(name)


def version(name: str) -> str:
    try:
        if name == "shrinkage":
            import shrinkage as mod
        elif name == "glmnet":
            import glmnet as mod
        else:
            import sklearn as mod
    except ImportError:
        return "not installed"
    v = getattr(mod, "__version__", "?")
    return f"{v} ({name})" if name in ("liblinear", "saga") else str(v)


# --------------------------------------------------------------------------
# One problem
# --------------------------------------------------------------------------


def prepare(problem: Problem, folds: int) -> Problem:
    """Rows cut to a multiple of ``folds`` (equal training folds)."""
    n = problem.X.shape[0] - problem.X.shape[0] % folds
    return Problem(
        problem.name, canonical(problem.X[:n]), problem.y[:n], problem.synthetic
    )


def ladder(fit, reference: np.ndarray, ref_alpha: float, alphas, args) -> list[dict]:
    """Every tolerance setting, loose to tight, until the curve is within
    ``--stop-error`` of the exact one or a setting takes ``--rung-cap`` s.

    A library may return a curve shorter than the grid (glmnet ends its
    path once the fit explains nearly all the deviance): 'covered' counts
    the alphas it scored, and such a setting reaches no target (its error
    is over the alphas it covers)."""
    rungs = []
    for tol in tol_ladder(args.ladder_steps):
        runs = []
        for rep in range(args.repeat):
            if rep > 0 and runs[0]["wall"] > args.repeat_cap:
                break
            runs.append(measure(lambda tol=tol: fit(tol)))
        curve, chosen = runs[-1]["out"]
        covered = min(len(curve), len(reference))
        error = max_rel_diff(curve[:covered], reference[:covered])
        rung = {
            "tol": tol,
            "times": [r["wall"] for r in runs],
            "median": median([r["wall"] for r in runs]),
            "error": error,
            "covered": covered,
            "steps_from_ref": int(
                np.argmin(np.abs(np.log(alphas) - np.log(chosen)))
                - np.argmin(np.abs(np.log(alphas) - np.log(ref_alpha)))
            ),
            "load": median([r["load"] for r in runs]),
        }
        rungs.append(rung)
        log(
            f"    tol {tol:.0e}: {fmt_time(rung['median'])}, curve error "
            f"{error:.1e} over {covered}/{len(reference)} alphas, choice "
            f"{rung['steps_from_ref']:+d} steps"
        )
        complete = covered == len(reference)
        if (complete and error <= args.stop_error) or rung["median"] > args.rung_cap:
            break
    return rungs


def complete(rung: dict, n_alphas: int) -> bool:
    return rung.get("covered", n_alphas) == n_alphas


def time_to(rungs: list[dict], eps: float, n_alphas: int) -> dict | None:
    ok = [r for r in rungs if r["error"] <= eps and complete(r, n_alphas)]
    return min(ok, key=lambda r: r["median"]) if ok else None


def problem_row(problem: Problem, solvers: list[str], args) -> dict:
    X, y = problem.X, problem.y
    amax = alpha_max(X, y, 1.0, fit_intercept=False)
    alphas = np.geomspace(amax, amax * args.eps, args.n_alphas)
    row: dict[str, Any] = {
        "problem": problem.name,
        "shape": problem.shape_str,
        "n_alphas": args.n_alphas,
        "eps": args.eps,
        "reference": {},
        "solvers": {},
    }
    from sklearn.model_selection import KFold

    splitters = {
        "kfold": KFold(n_splits=args.folds, shuffle=True, random_state=0),
        "stratified": stratified(args.folds),
    }
    refs = {}
    for key, cv in splitters.items():
        res = measure(
            lambda cv=cv: fit_ours(X, y, alphas, cv, args.reference_tol, 100_000)
        )
        curve, chosen = res["out"]
        refs[key] = (curve, chosen)
        row["reference"][key] = {
            "time": res["wall"],
            "alpha": chosen,
            "index": int(np.argmin(curve)),
            "curve": curve.tolist(),
        }
        log(f"  reference ({key}, tol {args.reference_tol:g}): {res['wall']:.2f} s")
    for name in solvers:
        log(f"  {name}")
        fit, key = runner(name, X, y, alphas, args)
        try:
            rungs = ladder(fit, *refs[key], alphas, args)
        except Unavailable as exc:
            row["solvers"][name] = {"skip": str(exc)}
            log(f"    skipped: {exc}")
            continue
        row["solvers"][name] = {"splitter": key, "rungs": rungs}
    return row


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def cell(row: dict, name: str, eps: float) -> str:
    entry = row["solvers"].get(name)
    if entry is None:
        return "-"
    if "skip" in entry:
        return "skip"
    n_alphas = row["n_alphas"]
    hit = time_to(entry["rungs"], eps, n_alphas)
    if hit is None:
        full = [r["error"] for r in entry["rungs"] if complete(r, n_alphas)]
        if not full:
            most = max(r["covered"] for r in entry["rungs"])
            return f"— (scores {most} of {n_alphas} alphas at most)"
        return f"— (best {min(full):.0e})"
    text = f"{fmt_time(hit['median'])} (tol {hit['tol']:.0e})"
    ours = row["solvers"].get("shrinkage")
    ours_hit = (
        time_to(ours["rungs"], eps, n_alphas) if ours and "rungs" in ours else None
    )
    if name != "shrinkage" and ours_hit is not None:
        text += f" **{hit['median'] / ours_hit['median']:.1f}x**"
    return text


def write_report(path: Path, state: dict) -> None:
    args, rows, solvers = state["args"], state["rows"], state["solvers"]
    out = [
        f"# Cross-validated L1 logistic regression ({state['mode']} run)",
        "",
        f"Generated {state['started']} by `{state['command']}`; elapsed "
        f"{time.time() - state['t0']:.0f} s.",
        "",
        *state["machine"],
        f"- shrinkage measured: {state['source']}",
        "- Solvers: " + ", ".join(f"{s} {version(s)}" for s in solvers),
        f"- Load average (1 min) at start {state['loads'][0]:.2f}, at this "
        f"writing {load():.2f} on {os.cpu_count()} cores.",
        "",
        "Each library's whole CV fit (folds, scores, refit), no intercept, "
        f"{args.folds} folds, the same grid of {args.n_alphas} alphas from "
        f"alpha_max to {args.eps:g} alpha_max (scikit-learn: "
        "`Cs = 1 / (n_train alpha)`), `n_jobs=1`. 'curve error': max over "
        "the grid of the relative difference between a library's mean "
        "held-out log-loss and the exact curve (ours at tol "
        f"{args.reference_tol:g} on the same folds, untimed). Cells: median "
        f"wall time (of up to {args.repeat} runs) of the fastest tolerance "
        "setting whose curve error is within the target, that setting, and "
        "the time divided by ours (> 1: ours is faster). The methodology "
        "and each library's convention are in the module docstring of "
        "`benchmarks/bench_logistic_cv.py`.",
        "",
    ]
    for eps in TARGETS:
        out += [
            f"## Time to a curve error of {eps:g}",
            "",
            "| problem | shape | " + " | ".join(solvers) + " |",
            "|---|---|" + "---|" * len(solvers),
        ]
        for row in rows:
            cells = [cell(row, s, eps) for s in solvers]
            out.append(
                f"| {row['problem']} | {row['shape']} | " + " | ".join(cells) + " |"
            )
        out.append("")
    out += [
        "## Exact curves and each setting",
        "",
        "'choice': the chosen alpha's offset, in grid steps, from the exact "
        "curve's choice (0: the same alpha). 'tightest': the curve error "
        "of a library's tightest setting run, against our exact curve; "
        "a small value there is an independent check of the reference.",
        "",
        "| problem | exact choice (KFold / Stratified) | solver | tol: time, "
        "curve error, choice | tightest |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        ref = row["reference"]
        choice = " / ".join(
            f"{ref[k]['index']} ({ref[k]['alpha']:.3g})"
            for k in ("kfold", "stratified")
        )
        for name in solvers:
            entry = row["solvers"].get(name, {})
            if "rungs" not in entry:
                continue
            steps = "; ".join(
                f"{r['tol']:.0e}: {fmt_time(r['median'])}, {r['error']:.1e}"
                + (
                    ""
                    if complete(r, row["n_alphas"])
                    else f" (first {r['covered']} alphas)"
                )
                + f", {r['steps_from_ref']:+d}"
                for r in entry["rungs"]
            )
            tight = entry["rungs"][-1]["error"]
            out.append(
                f"| {row['problem']} | {choice} | {name} | {steps} | {tight:.1e} |"
            )
    path.write_text("\n".join(out) + "\n")


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small problems, ~1.5 min")
    ap.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--problems", help="comma-separated: " + ",".join(REAL_FILES))
    ap.add_argument(
        "--solvers", help="comma-separated, default " + ",".join(DEFAULT_SOLVERS)
    )
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads")
    ap.add_argument("--n-alphas", type=int, default=None, help="grid size (30)")
    ap.add_argument("--eps", type=float, default=1e-3, help="alpha_min / alpha_max")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--ladder-steps", type=int, default=1, help="settings per decade")
    ap.add_argument("--repeat", type=int, default=None, help="default 3, quick 1")
    ap.add_argument("--repeat-cap", type=float, default=10.0)
    ap.add_argument("--rung-cap", type=float, default=60.0)
    ap.add_argument("--reference-tol", type=float, default=1e-12)
    ap.add_argument(
        "--stop-error",
        type=float,
        default=1e-6,
        help="stop a library's ladder once its curve error is this small",
    )
    ap.add_argument("--data-dir", default=DEFAULT_DATA)
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--name", help="report name: logistic_cv_NAME.md")
    args = ap.parse_args(argv)
    args.mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    if args.repeat is None:
        args.repeat = 3 if args.mode == "full" else 1
    if args.n_alphas is None:
        args.n_alphas = 10 if args.tiny else 30
    return args


def get_problem(name: str, mode: str, data_dir: str) -> Problem:
    if name in REAL_FILES:
        return load_real(name, data_dir)
    sizes = (
        SIZES["tiny"]
        if name.startswith("tiny")
        else SIZES["quick" if mode != "full" else "full"]
    )
    return make_synthetic(name, sizes[name], seed=1)


def main(argv=None) -> int:
    args = parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    from threadpoolctl import threadpool_limits

    problems = args.problems.split(",") if args.problems else PROBLEMS[args.mode]
    solvers = args.solvers.split(",") if args.solvers else DEFAULT_SOLVERS
    for s in solvers:
        if s not in ALL_SOLVERS:
            raise SystemExit(f"unknown solver {s!r}; choose from {ALL_SOLVERS}")
    if "shrinkage" not in solvers:
        solvers.insert(0, "shrinkage")
    report, raw, state = new_run("bench_logistic_cv.py", "logistic_cv", args, argv)
    state.update(solvers=solvers, source=source_state(), rows=[])

    def save() -> None:
        write_report(report, state)
        keys = ("mode", "started", "command", "loads", "machine", "source")
        meta = {k: state[k] for k in keys}
        meta["args"] = dict(vars(args))
        meta["versions"] = {s: version(s) for s in solvers}
        raw.write_text(
            json.dumps({"meta": meta, "rows": state["rows"]}, indent=1, default=float)
        )

    with threadpool_limits(limits=args.threads):
        state["machine"] = machine_lines(args)
        tiny = get_problem("tiny-dense", "tiny", args.data_dir)
        for s in solvers:  # import and first-call costs, outside every timing
            try:
                runner(s, tiny.X, tiny.y, np.geomspace(0.1, 0.01, 3), args)[0](1e-3)
            except Unavailable:
                pass
        for pname in problems:
            if pname not in REAL_FILES and pname not in SIZES["full"] | SIZES["tiny"]:
                raise SystemExit(f"unknown problem {pname!r}")
            problem = prepare(get_problem(pname, args.mode, args.data_dir), args.folds)
            log(f"{pname}: {problem.shape_str}")
            state["rows"].append(problem_row(problem, solvers, args))
            save()
            del problem
            gc.collect()
        save()
    log(f"done in {time.time() - state['t0']:.0f} s: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
