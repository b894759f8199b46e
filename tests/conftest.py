import pytest
from wagtail.models import Site


@pytest.fixture
def home_page(db):
    """The HomePage created by the home app's data migration (the default site's root)."""
    return Site.objects.get(is_default_site=True).root_page.specific
