#!/usr/bin/python3
"""Training curves of a netmass model file (netmass train): the loss (negative ELBO) on
the training and the test subjects per epoch, the terms of the training loss, and the
time per epoch.

usage: /usr/bin/python3 postproc/plot_training.py model.h5 -o training.png [--pdf]
Uses Debian's numpy, h5py and matplotlib (run with /usr/bin/python3)."""
import figure_script
import style
from nmfile import need, strings

FORMAT = "netmass-model"


def figures(f, args=None):
    epoch, train, test, terms, term_names, seconds = (need(f, f"training/{n}")[0] for n in ("epoch", "loss_train", "loss_test", "terms_train", "term_names", "seconds"))
    e, names = epoch[...], strings(term_names)
    fig, ax = style.panels(3)
    ax[0].plot(e, train[...], label="train", **style.TRAIN)
    ax[0].plot(e, test[...], label="test", **style.TEST)
    if min(train[...].min(), test[...].min()) > 0:
        ax[0].set_yscale("log")
    ax[0].set(xlabel="epoch", ylabel="loss = −ELBO (nats)", title=f"loss: final train {train[-1]:.4g}, test {test[-1]:.4g}")
    ax[0].legend()
    values = terms[...]
    for k, name in enumerate(names):
        ax[1].plot(e, values[:, k], lw=1, label=name)
    ax[1].set_yscale("symlog", linthresh=max(1e-3, abs(values).max() * 1e-3))
    ax[1].set(xlabel="epoch", ylabel="term of the training loss (nats, symlog)", title="ELBO terms (train)")
    ax[1].legend(ncol=2)
    ax[2].plot(e, seconds[...], ".-", ms=3)
    ax[2].set(xlabel="epoch", ylabel="wall time per epoch (s)", title=f"{seconds[...].sum():.4g} s in {len(e)} epochs")
    ax[2].set_ylim(bottom=0)
    style.finish(fig, f"training of {', '.join(sorted(f['params'])) if 'params' in f else 'the model'}: {len(e)} epochs")
    return [("training", fig)]


if __name__ == "__main__":
    figure_script.run(__doc__, FORMAT, figures)
