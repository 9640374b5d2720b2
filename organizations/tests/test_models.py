import pytest

from organizations.models import Area, SocialOrganization
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db


def test_moving_an_area_moves_its_whole_subtree(beilin, yanta, nanyuanmen, beilin_user, yanta_user):
    community = AreaFactory(code="610103-01-01", name="保吉巷社区", parent=nanyuanmen, level="community")
    org = SocialOrganizationFactory(area=nanyuanmen)
    nanyuanmen.parent = yanta
    nanyuanmen.save()
    community.refresh_from_db()
    assert community.path == "/610100/610113/610103-01/610103-01-01/"
    assert list(SocialOrganization.objects.for_user(yanta_user)) == [org]
    assert not SocialOrganization.objects.for_user(beilin_user).exists()


def test_renaming_a_code_rewrites_descendant_paths(beilin, nanyuanmen):
    beilin.code = "610103X"
    beilin.save()
    nanyuanmen.refresh_from_db()
    assert nanyuanmen.path == "/610100/610103X/610103-01/"
    assert Area.objects.filter(path__startswith=beilin.path).count() == 2
