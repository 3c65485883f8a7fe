"""Reading netmass HDF5 files from Python (Debian's h5py, serial: it reads files written
by parallel HDF5). Shared by the figure scripts of postproc/."""
import h5py
import numpy as np


def text(value):
    """HDF5 fixed-length strings arrive as bytes."""
    return value.decode() if isinstance(value, (bytes, np.bytes_)) else str(value)


def open_netmass(path, fmt, parser):
    """Open `path` for reading; stop through `parser` unless its format attribute is `fmt`."""
    f = h5py.File(path, "r")
    have = text(f.attrs.get("format", b"?"))
    if have != fmt:
        f.close()
        parser.error(f"{path} is a {have} file, not a {fmt} file")
    return f
