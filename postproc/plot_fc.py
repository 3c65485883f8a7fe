#!/usr/bin/python3
"""Functional connectivity (FC) of data beside the FC of a model: the two matrices and
the scatter of their upper triangles with the Pearson correlation between them (the FC
similarity a sweep or a fit maximises).

usage: /usr/bin/python3 postproc/plot_fc.py model.h5 data.h5 -o fc.png [--pdf]
Each file may be a simulation (FC of its BOLD, else of its first state), an analysis
(fc_mean) or a cohort with BOLD (FC averaged over subjects). Uses Debian's numpy, h5py
and matplotlib (run with /usr/bin/python3)."""
import argparse

import h5py
import numpy as np

import style
from nmfile import text


def finite_rows(x):
    return x[np.all(np.isfinite(x), axis=1)]


def fc_of(f):
    """(FC matrix, what it is) of an open netmass file, or None when it holds no FC."""
    fmt = text(f.attrs.get("format", b""))
    if fmt == "netmass-simulation":
        if "bold" in f:
            return np.corrcoef(finite_rows(f["bold"][...]).T), "FC of the simulated BOLD"
        monitor = next((m for m in ("tavg", "raw") if m in f), None)
        return (np.corrcoef(finite_rows(f[monitor][:, :, 0]).T), f"FC of the simulated {monitor} signal") if monitor else None
    if fmt == "netmass-analysis" and "fc_mean" in f:
        return f["fc_mean"][...], f"FC of {text(f.attrs.get('source', b'the data'))[:40]}"
    if fmt == "netmass-cohort" and "bold" in f:
        bold = f["bold"][...]  # subject x region x time
        return np.mean([np.corrcoef(b) for b in bold], axis=0), f"FC of the cohort's BOLD, mean of {len(bold)} subjects"
    return None


def figure(model, data):
    """model and data: (FC, description) of the same regions."""
    (fm, dm), (fd, dd) = model, data
    fig, ax = style.panels(3)
    style.correlation_matrix(fig, ax[0], fd, "data: " + dd)
    style.correlation_matrix(fig, ax[1], fm, "model: " + dm)
    upper = np.triu_indices_from(fd, k=1)
    r = np.corrcoef(fd[upper], fm[upper])[0, 1]
    ax[2].plot(fd[upper], fm[upper], ".", ms=2, alpha=0.4)
    ax[2].plot([-1, 1], [-1, 1], color="k", lw=0.7)
    ax[2].set(xlim=(-1, 1), ylim=(-1, 1), xlabel="data FC (Pearson r)", ylabel="model FC (Pearson r)", title=f"FC similarity r = {r:.3f} ({len(upper[0])} pairs)")
    style.finish(fig, f"functional connectivity, data beside model ({len(fd)} regions)")
    return fig


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="netmass simulation, analysis or cohort file of the model")
    parser.add_argument("data", help="netmass simulation, analysis or cohort file of the data")
    parser.add_argument("-o", "--output", required=True, help="figure file (.png)")
    parser.add_argument("--pdf", action="store_true", help="also write the figure as PDF")
    args = parser.parse_args()
    fcs = []
    for path in (args.model, args.data):
        try:
            with h5py.File(path, "r") as f:
                fcs.append(fc_of(f))
        except OSError as e:
            parser.error(f"{path}: not a readable HDF5 file ({e})")
        if fcs[-1] is None:
            parser.error(f"{path}: holds no FC (give a simulation, an analysis, or a cohort with BOLD)")
    if fcs[0][0].shape != fcs[1][0].shape:
        parser.error(f"{args.model} has {len(fcs[0][0])} regions but {args.data} has {len(fcs[1][0])}")
    style.save(figure(*fcs), args.output, args.pdf)
    print(args.output)


if __name__ == "__main__":
    main()
