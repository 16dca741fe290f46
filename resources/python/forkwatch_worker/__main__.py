"""Entry point: ``python <repo>/resources/python/forkwatch_worker/__main__.py --app SPEC --dir DIR``.

Run as a script, Python puts this package's own directory at sys.path[0], where protocol.py,
boot.py ... would shadow the user's modules of the same names. So we drop it, import
ourselves as the package ``forkwatch_worker`` from the END of sys.path, and main() puts
the project directory first.
"""

import os
import sys


def _run():
    parent_pid = os.getppid()  # before anything slow: compared after PR_SET_PDEATHSIG
    if not __package__:
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
        sys.path.append(os.path.dirname(here))
    from forkwatch_worker.main import main

    sys.exit(main(sys.argv[1:], parent_pid))


if __name__ == "__main__":
    _run()
