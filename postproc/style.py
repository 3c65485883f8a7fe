"""One look for every netmass figure: sizes, fonts, colours and the helpers that label
axes and colour bars. Figure sizes are fixed (no tight bounding box on saving), so a
figure of n panels is always n * PANEL_WIDTH by PANEL_HEIGHT inches at DPI: tests check
the pixel size of every PNG against panels() below."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DPI = 100
PANEL_WIDTH = 4.4  # inches per panel
PANEL_HEIGHT = 3.9
TITLE_SIZE = 9

# Stability is drawn the same way everywhere: solid and dark when stable.
STABLE = dict(color="#1f4e9c", ls="-", lw=1.4)
UNSTABLE = dict(color="#c0392b", ls="--", lw=1.0)
FOLD_MARKER = dict(marker="s", color="k", ms=6, ls="none")
HOPF_MARKER = dict(marker="*", color="#e67e22", ms=11, ls="none", mec="k", mew=0.5)
BEST_MARKER = dict(marker="*", color="#e67e22", ms=14, ls="none", mec="k", mew=0.7, zorder=5)
TRAIN = dict(color="#1f4e9c", lw=1.2)
TEST = dict(color="#c0392b", lw=1.2)
CORRELATION_CMAP = "RdBu_r"  # correlations in [-1, 1]
MAGNITUDE_CMAP = "viridis"  # scores, weights, speeds

plt.rcParams.update({
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": 8,
    "axes.titlesize": TITLE_SIZE,
    "axes.labelsize": 8,
    "axes.grid": False,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "image.interpolation": "nearest",
    "lines.linewidth": 1.0,
})


def panels(n, rows=1):
    """A figure of n panels in `rows` rows; returns (fig, flat list of axes)."""
    cols = -(-n // rows)
    fig, ax = plt.subplots(rows, cols, figsize=(cols * PANEL_WIDTH, rows * PANEL_HEIGHT), squeeze=False)
    axes = list(ax.flat)
    for extra in axes[n:]:
        extra.set_visible(False)
    return fig, axes[:n]


def pixel_size(n, rows=1):
    """(width, height) in pixels of panels(n, rows) saved by save()."""
    cols = -(-n // rows)
    return round(cols * PANEL_WIDTH * DPI), round(rows * PANEL_HEIGHT * DPI)


def colorbar(fig, image, ax, label):
    """A labelled colour bar beside ax."""
    bar = fig.colorbar(image, ax=ax, shrink=0.85)
    bar.set_label(label)
    return bar


def correlation_matrix(fig, ax, matrix, title, label="Pearson r"):
    """A correlation matrix on the symmetric [-1, 1] scale."""
    image = ax.imshow(matrix, vmin=-1, vmax=1, cmap=CORRELATION_CMAP)
    ax.set(title=title, xlabel="region", ylabel="region")
    colorbar(fig, image, ax, label)


def finish(fig, title):
    """Suptitle (provenance of the figure) and a layout that leaves room for it."""
    fig.suptitle(title, fontsize=TITLE_SIZE)
    fig.tight_layout(rect=(0, 0, 1, 0.94))


def save(fig, path, pdf=False):
    """Write fig to path (PNG) and, with pdf, beside it as PDF; then close it."""
    fig.savefig(path)
    if pdf:
        fig.savefig(path.rsplit(".", 1)[0] + ".pdf")
    plt.close(fig)
