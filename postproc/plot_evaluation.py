#!/usr/bin/python3
"""Figures of a netmass evaluation file (netmass evaluate): parameter recovery (the
posterior-mean estimate against the true value of every item, one panel per parameter,
with the Spearman correlation and its 90 % interval), the FC similarity of simulations
from the posterior, the KL divergence of each regional parameter, and the ELBO of each
item, training against test items.

usage: /usr/bin/python3 postproc/plot_evaluation.py evaluation.h5 -o evaluation.png [--pdf]
writes evaluation_recovery.png and evaluation_fit.png. Uses Debian's numpy, h5py and
matplotlib (run with /usr/bin/python3)."""
import numpy as np

import figure_script
import style
from nmfile import need, strings

FORMAT = "netmass-evaluation"


def recovery(f):
    names_ds, true_ds, est_ds, rho_ds = need(f, "recovery/names", "recovery/true", "recovery/estimate", "recovery/spearman")
    names, truth, estimate, rho = strings(names_ds), true_ds[...], est_ds[...], rho_ds[...]
    fig, ax = style.panels(len(names), rows=-(-len(names) // 4))
    for k, (a, name) in enumerate(zip(ax, names)):
        a.plot(truth[k], estimate[k], "o", ms=3, alpha=0.6)
        lo, hi = min(truth[k].min(), estimate[k].min()), max(truth[k].max(), estimate[k].max())
        a.plot([lo, hi], [lo, hi], color="k", lw=0.7, label="estimate = truth")
        a.set(xlabel=f"true {name}", ylabel=f"estimated {name} (posterior mean)", title=f"{name}: Spearman ρ {rho[k, 0]:.2f} [{rho[k, 1]:.2f}, {rho[k, 2]:.2f}]")
        a.legend(loc="upper left")
    style.finish(fig, f"parameter recovery: {len(names)} parameter(s), {truth.shape[1]} items (90 % intervals)")
    return fig


def fit(f):
    sim, kl, elbo, is_test = (d[...] for d in need(f, "fc_similarity", "kl_r", "elbo_item", "is_test"))
    fig, ax = style.panels(3)
    ax[0].boxplot(sim.T, showfliers=False)
    ax[0].set(xlabel="subject", ylabel="FC similarity (Pearson r, simulated vs data)", title=f"FC of {sim.shape[1]} posterior simulations per subject")
    ax[0].set_xticks(range(1, len(sim) + 1) if len(sim) <= 20 else [1, len(sim)])
    ax[1].bar(np.arange(1, len(kl) + 1), kl, color=style.STABLE["color"])
    ax[1].set_xticks(np.arange(1, len(kl) + 1) if len(kl) <= 20 else [1, len(kl)])
    ax[1].set(xlabel="regional parameter", ylabel="KL(posterior ‖ prior) (nats)", title="information gained per regional parameter")
    test = is_test > 0
    bins = np.histogram_bin_edges(elbo, bins=20)
    ax[2].hist(elbo[~test], bins=bins, alpha=0.7, label=f"train ({(~test).sum()})", color=style.TRAIN["color"])
    ax[2].hist(elbo[test], bins=bins, alpha=0.7, label=f"test ({test.sum()})", color=style.TEST["color"])
    ax[2].set(xlabel="ELBO per item (nats)", ylabel="items", title="ELBO of training and test items")
    ax[2].legend()
    style.finish(fig, f"fit of the model: {len(sim)} subjects, {len(elbo)} items")
    return fig


def figures(f, args=None):
    return [("recovery", recovery(f)), ("fit", fit(f))]


if __name__ == "__main__":
    figure_script.run(__doc__, FORMAT, figures)
