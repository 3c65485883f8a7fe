"""The command line shared by the figure scripts of postproc/: one netmass file in, its
figures out (PNG, plus PDF with --pdf). A script with several figures writes
<output stem>_<figure name>.png for each."""
import argparse
import sys

import style
from nmfile import LayoutError, open_netmass


def output_paths(output, names):
    """One path per figure name: the output itself when there is one figure."""
    if len(names) == 1:
        return [output]
    stem, _, ext = output.rpartition(".")
    return [f"{stem}_{name}.{ext}" for name in names]


def run(doc, fmt, figures, add_arguments=None):
    """Parse the command line, draw figures(file, args) and save them."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("input", help=f"netmass file of format {fmt} (.h5)")
    parser.add_argument("-o", "--output", required=True, help="figure file (.png)")
    parser.add_argument("--pdf", action="store_true", help="also write each figure as PDF")
    if add_arguments:
        add_arguments(parser)
    args = parser.parse_args()
    with open_netmass(args.input, fmt, parser) as f:
        try:
            drawn = figures(f, args)
        except LayoutError as e:
            sys.exit(f"{parser.prog}: error: {args.input}: {e}")
    for (name, fig), path in zip(drawn, output_paths(args.output, [n for n, _ in drawn])):
        style.save(fig, path, args.pdf)
        print(path)
