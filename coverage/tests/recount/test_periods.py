import datetime as dt

import pytest

from coverage.recount.periods import HalfYear


def test_parse_and_bounds():
    half = HalfYear.parse("2020h2")
    assert (half.code, half.start, half.end) == ("2020H2", dt.date(2020, 7, 1), dt.date(2020, 12, 31))
    assert HalfYear.parse("2021H1").end == dt.date(2021, 6, 30)


@pytest.mark.parametrize("bad", ["2020H3", "2020", "H2", "20201H1", ""])
def test_bad_codes(bad):
    with pytest.raises(ValueError):
        HalfYear.parse(bad)


def test_last_ended():
    assert HalfYear.last_ended(dt.date(2021, 1, 1)).code == "2020H2"
    assert HalfYear.last_ended(dt.date(2021, 7, 1)).code == "2021H1"
    assert HalfYear.last_ended(dt.date(2021, 6, 30)).code == "2020H2"


def test_ordering_and_neighbours():
    assert HalfYear(2019, 2).next() == HalfYear(2020, 1)
    assert HalfYear(2020, 1).previous() == HalfYear(2019, 2)
    assert sorted([HalfYear(2020, 1), HalfYear(2019, 2)])[0] == HalfYear(2019, 2)
