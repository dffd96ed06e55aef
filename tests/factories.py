"""factory_boy factories for the directory: posts, units, people, memberships."""

import datetime

import factory

from directory.models import Membership, OrgUnit, Person, Post

APRIL_FIRST = datetime.date(2020, 4, 1)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"post-{n}")
    name = factory.Sequence(lambda n: f"職位{n}")
    rank = 70
    heads_unit = False


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"組織{n}")
    kind = OrgUnit.Kind.SECTION
    valid_from = APRIL_FIRST


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    last_name = "山田"
    first_name = factory.Sequence(lambda n: f"太郎{n}")
    last_name_kana = "ヤマダ"
    first_name_kana = "タロウ"
    email = factory.LazyAttribute(lambda person: f"{person.username}@ward.example.jp")
    password = factory.django.Password("pass-word-123")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    post = factory.SubFactory(PostFactory)
    is_primary = True
    valid_from = APRIL_FIRST
