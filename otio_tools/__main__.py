"""``python -m otio_tools``: the same as the ``otio-tools`` command."""

from otio_tools.cli import main

if __name__ == "__main__":
    main()
