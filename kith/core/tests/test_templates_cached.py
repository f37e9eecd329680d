"""Templates are read and compiled once per process, not on every page."""

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def test_production_settings_cache_compiled_templates(settings):
    assert settings.DEBUG is False  # the suite runs in production mode
    engine = engines["django"].engine
    assert isinstance(engine.template_loaders[0], CachedLoader)
    loader = engine.template_loaders[0]
    name = "core/accessibility.html"
    assert engine.get_template(name) is not None
    assert any(key.startswith(name) for key in loader.get_template_cache)
