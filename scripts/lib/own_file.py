#!/usr/bin/env python3
"""usage: own_file.py PATH: makes PATH an empty file of ours, or checks that
it already is one: a regular file (not a link), owned by this user, with one
name. A lock or temporary beside a folder others can write (/tmp) must not be
a link someone planted to a file of ours. Exit 0, or 2 with one line."""
import os
import stat
import sys


def main(argv):
    if len(argv) != 2:
        print(__doc__.split(":")[0], file=sys.stderr)
        return 2
    path = argv[1]
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        os.close(fd)
        return 0
    except FileExistsError:
        pass
    except OSError as e:
        print(f"{path}: {e.strerror}", file=sys.stderr)
        return 2
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_nlink != 1:
        print(f"{path}: not a file of ours (a link, another user's, or a second name): refused",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
