#!/usr/bin/python3
"""Figure of a netmass cohort file: the structural connectome averaged over subjects,
and with fMRI the BOLD of the first subject and the FC averaged over subjects.

usage: /usr/bin/python3 postproc/plot_cohort.py cohort.h5 -o cohort.png [--pdf]
Uses Debian's numpy, h5py and matplotlib (run with /usr/bin/python3)."""
import numpy as np

import figure_script
import style
from nmfile import need, strings

FORMAT = "netmass-cohort"


def figures(f, args=None):
    weights, ids = need(f, "weights", "subject_ids")
    ids = strings(ids)
    w = weights[...].mean(axis=0)
    has_bold = "bold" in f
    fig, ax = style.panels(3 if has_bold else 1)
    image = ax[0].imshow(np.log10(np.where(w > 0, w, np.nan)), cmap=style.MAGNITUDE_CMAP)
    ax[0].set(title=f"weights, mean of {len(ids)} subjects", xlabel="emitter", ylabel="receiver")
    style.colorbar(fig, image, ax[0], "log10 weight")
    if has_bold:
        bold = f["bold"][...]  # subject x region x time
        dt = float(f["bold"].attrs.get("dt", f.attrs.get("tr", 1.0)))
        t = dt * np.arange(bold.shape[2])
        for r in range(min(3, bold.shape[1])):
            ax[1].plot(t, bold[0, r], lw=0.7, label=f"region {r}")
        ax[1].set(xlabel="time (s)", ylabel="BOLD (a.u.)", title=f"BOLD of subject {ids[0]}")
        ax[1].legend(ncol=3, loc="upper right")
        style.correlation_matrix(fig, ax[2], np.mean([np.corrcoef(b) for b in bold], axis=0), f"FC of the BOLD, mean of {len(ids)} subjects")
    style.finish(fig, f"cohort: {len(ids)} subjects, {w.shape[0]} regions")
    return [("cohort", fig)]


if __name__ == "__main__":
    figure_script.run(__doc__, FORMAT, figures)
