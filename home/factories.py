import factory
import wagtail_factories

from core.factories import fake_body

from .models import StandardPage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"工作制度{n}")
    summary = factory.Faker("sentence", nb_words=10, locale="zh_CN")
    body = factory.LazyFunction(fake_body)

    class Meta:
        model = StandardPage
