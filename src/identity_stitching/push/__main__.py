import sys

from identity_stitching.push.cli import main

sys.exit(main())
