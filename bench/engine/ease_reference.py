"""EASE reference for the engine bench (bench-only; the product has no Python dependency).

EASE (Steck 2019) in closed form with numpy, as the paper's code computes it:
    G = XᵀX + λI;  P = G⁻¹;  B = −P / diag(P);  diag(B) = 0
λ is tuned like a data scientist would: on a validation split of the training data (the newest
10 % of the interactions of a sample of training users), over a grid; the chosen λ is then fit on all
training rows and scored on the test cases. The NDCG@10 of every λ on the test cases is printed
too (the best of those is an upper bound no tuning procedure can beat).

    python3 bench/engine/ease_reference.py DIR     # DIR holds train.txt ("user item timestamp") and test.json
Prints one JSON line.
"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp

LAMBDAS = [5.0, 20.0, 80.0, 300.0, 1000.0, 4000.0]


def ndcg10(scores, cases, candidates=False):
    total = 0.0
    for c, s in zip(cases, scores):
        s = s.copy()
        if candidates:
            pool = np.array(c["candidates"])
            ranked = pool[np.argsort(-s[pool], kind="stable")][:10]
        else:
            s[c["input"]] = -np.inf
            top = np.argpartition(-s, 10)[:10]
            ranked = top[np.argsort(-s[top], kind="stable")]
        targets = set(c["targets"])
        dcg = sum(1.0 / np.log2(p + 2) for p, item in enumerate(ranked) if item in targets)
        ideal = sum(1.0 / np.log2(p + 2) for p in range(min(10, len(targets))))
        total += dcg / ideal
    return total / max(1, len(cases))


def fit(users, items, n_users, n_items, lam):
    x = sp.csr_matrix((np.ones(len(users), dtype=np.float64), (users, items)), shape=(n_users, n_items))
    x.data[:] = 1.0  # binary, duplicates collapsed
    g = (x.T @ x).toarray()
    g[np.diag_indices(n_items)] += lam
    p = np.linalg.inv(g)
    b = p / (-np.diag(p))
    b[np.diag_indices(n_items)] = 0.0
    return b


def input_matrix(cases, n_items):
    rows = np.zeros((len(cases), n_items))
    for r, c in enumerate(cases):
        rows[r, c["input"]] = 1.0
    return rows


def validation_split(users, items, times, seed=7):
    """Newest 10 % of the interactions of up to 1,000 random training users with ≥ 5 interactions."""
    rng = np.random.default_rng(seed)
    order = np.lexsort((times, users))
    starts = np.flatnonzero(np.r_[True, users[order][1:] != users[order][:-1]])
    ends = np.r_[starts[1:], len(order)]
    eligible = [(s, e) for s, e in zip(starts, ends) if e - s >= 5]
    chosen = rng.choice(len(eligible), size=min(1000, len(eligible)), replace=False)
    keep = np.ones(len(users), dtype=bool)
    cases = []
    for ci in chosen:
        s, e = eligible[ci]
        rows = order[s:e]
        held = max(1, round(len(rows) * 0.1))
        inp = items[rows[:-held]]
        targets = sorted(set(items[rows[-held:]]) - set(inp))
        keep[rows[-held:]] = False
        if targets:
            cases.append({"input": sorted(set(inp.tolist())), "targets": targets})
    return keep, cases


def main():
    folder = sys.argv[1]
    test = json.load(open(f"{folder}/test.json"))
    train = np.loadtxt(f"{folder}/train.txt", dtype=np.int64)
    users, items, times = train[:, 0], train[:, 1], train[:, 2]
    n_users, n_items, cases = test["nUsers"], test["nItems"], test["cases"]

    t = time.perf_counter()
    keep, val_cases = validation_split(users, items, times)
    val_input = input_matrix(val_cases, n_items)
    validation = {}
    for lam in LAMBDAS:
        b = fit(users[keep], items[keep], n_users, n_items, lam)
        validation[lam] = ndcg10(val_input @ b, val_cases)
    chosen = max(validation, key=validation.get)
    tune_seconds = time.perf_counter() - t

    t = time.perf_counter()
    cpu = time.process_time()
    b = fit(users, items, n_users, n_items, chosen)
    fit_seconds = time.perf_counter() - t
    fit_cpu = time.process_time() - cpu

    test_input = input_matrix(cases, n_items)
    scores = test_input @ b
    on_test = {}
    for lam in LAMBDAS:
        on_test[lam] = ndcg10(test_input @ fit(users, items, n_users, n_items, lam), cases) if lam != chosen else None
    result = ndcg10(scores, cases)
    on_test[chosen] = result
    print(json.dumps({
        "lambda": chosen,
        "ndcg10": result,
        "ranking_ndcg10": ndcg10(scores, cases, candidates=True),
        "fit_seconds": fit_seconds,
        "fit_cpu_seconds": fit_cpu,
        "tune_seconds": tune_seconds,
        "validation": {str(k): v for k, v in validation.items()},
        "test_by_lambda": {str(k): v for k, v in on_test.items()},
    }))


if __name__ == "__main__":
    main()
