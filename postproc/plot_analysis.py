#!/usr/bin/python3
"""Figure of a netmass analysis file (netmass analyze): the functional connectivity (FC),
the Welch power spectra, the decay of the singular values of the linear effective
connectivity A with its effective rank, and the one-step R^2 of the linear model against
its two baselines (zero change, AR(1)).

usage: /usr/bin/python3 postproc/plot_analysis.py analysis.h5 -o analysis.png [-subject K]
Without -subject the FC panel shows the FC averaged over subjects (fc_mean) and the other
panels every subject. Uses Debian's numpy, h5py and matplotlib (run with /usr/bin/python3)."""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from nmfile import open_netmass, text  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("analysis", help="netmass analysis file (.h5)")
    parser.add_argument("-o", "--output", required=True, help="figure file (.png, .pdf)")
    parser.add_argument("-subject", type=int, default=None, help="show this subject only (index)")
    args = parser.parse_args()

    with open_netmass(args.analysis, "netmass-analysis", parser) as f:
        ids = [text(s) for s in f["subject_ids"][...]]
        subjects = range(len(ids)) if args.subject is None else [args.subject]
        if args.subject is not None and not 0 <= args.subject < len(ids):
            parser.error(f"-subject {args.subject}: the file has subjects 0..{len(ids) - 1}")
        fc = f["fc_mean"][...] if args.subject is None else f["fc"][args.subject]
        psd = f["psd"][...]
        psd_units = text(f["psd"].attrs.get("units", b""))
        freq = f["frequency"][...]
        sv = f["singular_values"][...]
        erank = f["effective_rank"][...]
        r2, r2_ar1, r2_zero = f["r2"][...], f["r2_ar1"][...], f["r2_zero"][...]
        lam = f["ridge_lambda"][...]
        n = int(f.attrs["n_regions"])
        title = f"{text(f.attrs['source'])}: {len(ids)} subject(s), {n} regions, {int(f.attrs['n_samples'])} samples, dt {float(f.attrs['dt']):g} s"

    fig, ax = plt.subplots(1, 4, figsize=(18, 4))
    im = ax[0].imshow(fc, vmin=-1, vmax=1, cmap="RdBu_r", interpolation="nearest")
    ax[0].set(title="FC, mean over subjects" if args.subject is None else f"FC, subject {ids[args.subject]}", xlabel="region", ylabel="region")
    fig.colorbar(im, ax=ax[0], shrink=0.8)

    for s in subjects:
        ax[1].semilogy(freq[1:], psd[s].mean(axis=0)[1:], lw=0.8, label=ids[s])
        rank = np.arange(1, n + 1)
        line, = ax[2].semilogy(rank, sv[s] / sv[s][0], lw=0.8, label=f"{ids[s]}: {erank[s]:.1f}")
        ax[2].axvline(erank[s], color=line.get_color(), ls=":", lw=0.8)
    ax[1].set(xlabel="frequency (Hz)", ylabel=f"PSD, mean over regions ({psd_units})", title="Welch power spectrum")
    ax[2].set(xlabel="rank", ylabel="singular value / largest", title="singular values of A (dotted: effective rank)")
    if len(subjects) <= 10:
        ax[1].legend(fontsize=7)
        ax[2].legend(fontsize=7, title="effective rank", title_fontsize=7)

    pos = np.arange(len(subjects))
    w = 0.27
    for k, (values, name) in enumerate([(r2, "linear model"), (r2_ar1, "AR(1)"), (r2_zero, "zero change")]):
        ax[3].bar(pos + (k - 1) * w, [values[s].mean() for s in subjects], w, label=name)
    ax[3].set_xticks(pos)
    ax[3].set_xticklabels([f"{ids[s]}\nλ={lam[s]:g}" for s in subjects], fontsize=7, rotation=45 if len(subjects) > 4 else 0)
    ax[3].axhline(0, color="k", lw=0.5)
    ax[3].set(ylabel="one-step R², mean over regions", title="cross-validated one-step prediction")
    top = max(max(r2[s].mean(), r2_ar1[s].mean(), r2_zero[s].mean()) for s in subjects)
    ax[3].set_ylim(top=max(top, 0) * 1.3 + 0.05)  # room for the legend
    ax[3].legend(fontsize=7, ncol=3, loc="upper center")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)


if __name__ == "__main__":
    main()
