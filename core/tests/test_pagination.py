"""core.pagination.CountingPaginator: the count comes with the page."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from core.pagination import CountingPaginator
from recipients.models import Organization
from tests.factories import OrganizationFactory


@pytest.fixture
def organizations(db):
    for index in range(7):
        OrganizationFactory(name=f"Đơn vị {index}", abbreviation=f"DV{index}")
    return Organization.objects.order_by("name")


def test_a_page_and_its_count_take_one_query(organizations, django_assert_num_queries):
    paginator = CountingPaginator(organizations, 3)
    with django_assert_num_queries(1):
        page = paginator.page(2)
        assert paginator.count == 7
        assert paginator.num_pages == 3
        assert [organization.name for organization in page] == ["Đơn vị 3", "Đơn vị 4", "Đơn vị 5"]
    assert page.has_next()
    assert page.has_previous()


def test_pages_are_those_of_djangos_paginator(organizations):
    for number in (1, 2, 3):
        counted = CountingPaginator(organizations, 3).page(number)
        plain = Paginator(organizations, 3).page(number)
        assert list(counted) == list(plain)
        assert (counted.start_index(), counted.end_index()) == (plain.start_index(), plain.end_index())
        assert counted.paginator.count == plain.paginator.count


def test_past_the_last_page_is_an_empty_page_error(organizations):
    with pytest.raises(EmptyPage):
        CountingPaginator(organizations, 3).page(4)
    with pytest.raises(EmptyPage):
        CountingPaginator(organizations, 3).page(0)
    with pytest.raises(PageNotAnInteger):
        CountingPaginator(organizations, 3).page("abc")


def test_nothing_found_is_an_empty_first_page(db):
    page = CountingPaginator(Organization.objects.none().order_by("pk"), 3).page(1)
    assert list(page) == []
    assert page.paginator.count == 0


def test_get_page_falls_back_like_djangos(organizations):
    paginator = CountingPaginator(organizations, 3)
    assert paginator.get_page("abc").number == 1
    assert paginator.get_page(99).number == 3
    assert paginator.get_page(None).number == 1


def test_orphans_are_refused(organizations):
    with pytest.raises(ValueError, match="orphans"):
        CountingPaginator(organizations, 3, orphans=1)
