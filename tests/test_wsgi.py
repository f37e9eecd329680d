"""The WSGI entry point that gunicorn loads in each worker."""

import gc
import importlib


def test_the_worker_keeps_what_it_loaded_out_of_the_collector_s_sight():
    gc.unfreeze()
    try:
        wsgi = importlib.reload(importlib.import_module("kith.wsgi"))

        assert callable(wsgi.application)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
