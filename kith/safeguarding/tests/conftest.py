from kith.help.tests.conftest import circle  # noqa: F401  (the help part's world)
