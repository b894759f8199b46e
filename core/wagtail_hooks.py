from wagtail.contrib.settings.registry import register_setting

from .file_collections import register_file_policies
from .models import SiteSettings

# Before anything asks for the image or document policy: files by collection (docs/security.md).
register_file_policies()

register_setting(SiteSettings, icon="cog")
