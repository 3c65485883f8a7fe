#!/usr/bin/python3
"""Figure of a netmass analysis file (netmass analyze): the functional connectivity (FC),
the Welch power spectra, the decay of the singular values of the linear effective
connectivity A with its effective rank, and the one-step R^2 of the linear model against
its two baselines (zero change, AR(1)).

usage: /usr/bin/python3 postproc/plot_analysis.py analysis.h5 -o analysis.png [-subject K] [--pdf]
Without -subject the FC panel shows the FC averaged over subjects (fc_mean) and the other
panels every subject. Uses Debian's numpy, h5py and matplotlib (run with /usr/bin/python3)."""
import numpy as np

import figure_script
import style
from nmfile import LayoutError, need, strings, text, units

FORMAT = "netmass-analysis"


def add_arguments(parser):
    parser.add_argument("-subject", type=int, default=None, help="show this subject only (index)")


def figures(f, args=None):
    subject = getattr(args, "subject", None)
    ids = strings(need(f, "subject_ids")[0])
    if subject is not None and not 0 <= subject < len(ids):
        raise LayoutError(f"-subject {subject}: the file has subjects 0..{len(ids) - 1}")
    subjects = range(len(ids)) if subject is None else [subject]
    fc = need(f, "fc_mean")[0][...] if subject is None else need(f, "fc")[0][subject]
    psd_ds, freq, sv, erank = need(f, "psd", "frequency", "singular_values", "effective_rank")
    psd, freq, sv, erank = psd_ds[...], freq[...], sv[...], erank[...]
    r2, r2_ar1, r2_zero, lam = (d[...] for d in need(f, "r2", "r2_ar1", "r2_zero", "ridge_lambda"))
    n = int(f.attrs["n_regions"])
    title = f"analysis of {text(f.attrs['source'])[:80]}: {len(ids)} subject(s), {n} regions, {int(f.attrs['n_samples'])} samples, dt {float(f.attrs['dt']):g} s"

    fig, ax = style.panels(4)
    style.correlation_matrix(fig, ax[0], fc, "FC, mean over subjects" if subject is None else f"FC, subject {ids[subject]}")
    for s in subjects:
        ax[1].semilogy(freq[1:], psd[s].mean(axis=0)[1:], lw=0.8, label=ids[s])
        rank = np.arange(1, n + 1)
        line, = ax[2].semilogy(rank, sv[s] / sv[s][0], lw=0.8, label=f"{ids[s]}: {erank[s]:.1f}")
        ax[2].axvline(erank[s], color=line.get_color(), ls=":", lw=0.8)
    ax[1].set(xlabel="frequency (Hz)", ylabel=f"PSD, mean over regions ({units(psd_ds)})", title="Welch power spectrum")
    ax[2].set(xlabel="rank", ylabel="singular value / largest", title="singular values of A (dotted: effective rank)")
    if len(subjects) <= 10:
        ax[1].legend()
        ax[2].legend(title="effective rank", title_fontsize=7)

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
    ax[3].legend(ncol=3, loc="upper center")
    style.finish(fig, title)
    return [("analysis", fig)]


if __name__ == "__main__":
    figure_script.run(__doc__, FORMAT, figures, add_arguments)
