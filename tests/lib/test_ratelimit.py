from lib.ratelimit import Limit, allow, hit, subject_hash


def test_allow_refuses_once_over_the_limit():
    limit = Limit(2, 60)

    verdicts = [allow("someone", limit) for _ in range(4)]

    assert verdicts == [True, True, False, False]


def test_hit_counts_every_window_and_skips_inactive_limits():
    checks = [("a", Limit(1, 60)), ("a", Limit(0, 60)), ("a", Limit(3, 3600))]

    first = hit(checks)
    second = hit(checks)

    assert first == [True, True, True]
    assert second == [False, True, True]


def test_subjects_are_separate_and_hashes_hide_the_value():
    limit = Limit(1, 60)
    allow(subject_hash("a@example.org"), limit)

    assert allow(subject_hash("b@example.org"), limit) is True
    assert "example" not in subject_hash("a@example.org")
    assert len(subject_hash("a@example.org")) == 24
