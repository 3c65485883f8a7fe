#!/usr/bin/python3
"""Small HDF5 files in the agreed layouts of the netmass files written by commands that
are being written concurrently (sweep, train, evaluate; docs/file-formats.md), so the
figure scripts of postproc/ can be tested now; plus a file of a format postproc does not
know. usage: make_fixtures.py DIR. The numbers follow known curves, so figures look
like real ones: a score peaking at G = 0.3, losses decaying, estimates near the truth."""
import os
import sys

import h5py
import numpy as np

rng = np.random.default_rng(7)


def stamp(f, fmt):
    """The provenance attributes every netmass file carries."""
    f.attrs["format"] = np.bytes_(fmt)
    f.attrs["format_version"] = np.int64(1)
    f.attrs["netmass_version"] = np.bytes_("0.1.0 (fixture)")
    f.attrs["created"] = np.bytes_("2026-11-22T00:00:00Z")
    f.attrs["command_line"] = np.bytes_(f"make_fixtures.py ({fmt})")
    f.attrs["mpi_ranks"] = np.int64(2)
    f.attrs["seed"] = np.int64(1)


def names(values):
    return np.array([np.bytes_(v) for v in values], dtype="S16")


def sweep(path, axes, started=False):
    """A grid sweep over `axes` (name -> values); scores as smooth functions of the point.
    started: a sweep just begun, no point done (scores NaN, best_index -1)."""
    grids = np.meshgrid(*axes.values(), indexing="ij")  # first axis slowest
    points = np.column_stack([g.ravel() for g in grids])
    g = points[:, 0]
    shift = points[:, 1] if points.shape[1] > 1 else 0
    fc_similarity = 0.55 * np.exp(-((g - 0.3 - 0.1 * shift) / 0.15) ** 2) + 0.05
    edges = np.array([[0.01, 0.03], [0.03, 0.07], [0.07, 0.1]])
    with h5py.File(path, "w") as f:
        stamp(f, "netmass-sweep")
        f.attrs["n_points"] = np.int64(len(points))
        f.attrs["n_axes"] = np.int64(points.shape[1])
        f.attrs["best_index"] = np.int64(-1 if started else np.argmax(fc_similarity))
        f.attrs["best_score_name"] = np.bytes_("fc_similarity")
        f["axis_names"] = names(axes)
        for name, values in axes.items():
            f[f"axis/{name}"] = np.asarray(values, dtype=float)
        f["points"] = points
        f["fc_similarity"] = fc_similarity
        f["fc_mean"] = np.tanh(2 * g) * 0.6
        f["fcd_ks"] = 1 - fc_similarity + 0.02 * rng.random(len(points))
        f["band_power"] = np.outer(1 + g, [1.0, 0.5, 0.2])
        f["band_edges"] = edges
        f["band_edges"].attrs["units"] = np.bytes_("Hz")
        done = np.zeros(len(points)) if started else np.ones(len(points))
        done[-1] = 0  # a point not finished yet
        f["done"] = done
        if started:
            for score in ("fc_similarity", "fc_mean", "fcd_ks"):
                f[score][...] = np.nan
        f["seconds"] = 2 + rng.random(len(points))


def model(path, epochs=60):
    terms = ["loglik", "trans", "x0", "entropy", "kl_r", "kl_s", "uext", "xreg", "l2"]
    e = np.arange(epochs, dtype=float)
    decay = np.exp(-e / 15)
    with h5py.File(path, "w") as f:
        stamp(f, "netmass-model")
        f["training/epoch"] = e
        f["training/loss_train"] = 1e4 * decay + 800
        f["training/loss_test"] = 1.1e4 * decay + 950
        f["training/terms_train"] = np.column_stack([(k + 1) * 100 * decay + 10 * k - 30 for k in range(len(terms))])
        f["training/term_names"] = names(terms)
        f["training/seconds"] = 1.5 + 0.1 * rng.random(epochs)
        f["params/theta"] = rng.normal(size=(4, 3))


def evaluation(path, params=3, items=40, subjects=6):
    truth = rng.uniform(-1, 1, size=(params, items))
    estimate = truth + 0.2 * rng.normal(size=truth.shape)
    with h5py.File(path, "w") as f:
        stamp(f, "netmass-evaluation")
        f["recovery/names"] = names(["a", "theta_r", "sigma"][:params])
        f["recovery/true"] = truth
        f["recovery/estimate"] = estimate
        f["recovery/spearman"] = np.array([[0.9, 0.85, 0.94], [0.8, 0.72, 0.86], [0.6, 0.5, 0.7]])[:params]
        f["fc_similarity"] = np.clip(0.5 + 0.1 * rng.normal(size=(subjects, 50)), -1, 1)
        f["kl_r"] = np.sort(rng.gamma(2.0, 0.5, size=2))[::-1]
        f["elbo_item"] = -1000 + 50 * rng.normal(size=items)
        is_test = np.zeros(items)
        is_test[::5] = 1
        f["is_test"] = is_test


def unknown(path):
    with h5py.File(path, "w") as f:
        stamp(f, "netmass-something-new")
        f["data"] = np.zeros(3)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    sweep(os.path.join(out, "sweep_G.h5"), {"G": np.linspace(0, 1, 21)})
    sweep(os.path.join(out, "sweep_G_a.h5"), {"G": np.linspace(0, 1, 11), "a": np.linspace(0.5, -0.5, 5)})  # a descending
    sweep(os.path.join(out, "sweep_started.h5"), {"G": np.linspace(0, 1, 6)}, started=True)
    model(os.path.join(out, "model.h5"))
    evaluation(os.path.join(out, "evaluation.h5"))
    unknown(os.path.join(out, "unknown.h5"))


if __name__ == "__main__":
    main()
