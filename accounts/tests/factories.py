import factory

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-test-123")

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):  # noqa: ARG002 (factory_boy's post-generation signature)
        if create:
            self.save()
