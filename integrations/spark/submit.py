"""What spark-submit runs (it takes a .py file): `spark-submit --files PATH/slipstream
integrations/spark/submit.py summarize INPUT… --out DIR`. The package must be importable on the
driver and the executors: `pip install ./integrations/spark` there, or ship it with --py-files."""

import sys

from slipstream_spark.cli import main

sys.exit(main())
