"""Start the web app: ``python app.py [--host H] [--port P] [--audit-log PATH] [--insecure]``."""

import sys

from assistant.web import main

sys.exit(main())
