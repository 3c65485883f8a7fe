"""Reading netmass HDF5 files from Python (Debian's h5py, serial: it reads files written
by parallel HDF5). Shared by the figure scripts of postproc/."""
import h5py
import numpy as np

# Root attributes every netmass file carries (docs/file-formats.md) that say where it came from.
PROVENANCE = ("netmass_version", "created", "command_line", "mpi_ranks")


class LayoutError(Exception):
    """A file of a known format lacks a dataset or attribute its layout promises."""


def text(value):
    """HDF5 fixed-length strings arrive as bytes."""
    return value.decode() if isinstance(value, (bytes, np.bytes_)) else str(value)


def strings(dataset):
    """A 1-D dataset of strings as a list of str."""
    return [text(s) for s in dataset[...]]


def units(dataset):
    """The dataset's units attribute, or '' when it has none."""
    return text(dataset.attrs.get("units", b""))


def need(f, *names):
    """The datasets f[name] for each name; LayoutError naming the first one missing."""
    missing = [n for n in names if n not in f]
    if missing:
        raise LayoutError(f"a {text(f.attrs.get('format', b'?'))} file needs dataset '{missing[0]}', which is missing")
    return [f[n] for n in names]


def provenance(f):
    """The provenance attributes present in f, as text."""
    return {k: text(f.attrs[k]) for k in PROVENANCE if k in f.attrs}


def open_netmass(path, fmt, parser):
    """Open `path` for reading; stop through `parser` unless its format attribute is `fmt`."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        parser.error(f"{path}: not a readable HDF5 file ({e})")
    have = text(f.attrs.get("format", b"?"))
    if have != fmt:
        f.close()
        parser.error(f"{path} is a {have} file, not a {fmt} file")
    return f
