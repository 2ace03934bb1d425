"""-j defaults to the CPUs a container may use, not the machine's count (issue #18)."""

import os

import pytest

from leaflets.workers import default_jobs

AFFINITY = len(os.sched_getaffinity(0))


def _cgroup_v2(tmp_path, text):
    (tmp_path / "cpu.max").write_text(text)
    return tmp_path


@pytest.mark.parametrize(("cpu_max", "expected"), [
    ("max 100000\n", AFFINITY),            # no quota: the affinity
    ("100000 100000\n", 1),                # one CPU
    ("150000 100000\n", min(AFFINITY, 2)), # a CPU and a half: two renderers
    ("5000 100000\n", 1),                  # a twentieth of a CPU: still one
])
def test_a_cgroup_v2_quota_caps_the_jobs(tmp_path, cpu_max, expected):
    assert default_jobs(_cgroup_v2(tmp_path, cpu_max)) == expected


def test_a_cgroup_v1_quota_caps_the_jobs(tmp_path):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("100000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert default_jobs(tmp_path) == 1


def test_no_cgroup_files_means_the_affinity(tmp_path):
    assert default_jobs(tmp_path) == AFFINITY


def test_an_unreadable_quota_is_no_quota(tmp_path):
    assert default_jobs(_cgroup_v2(tmp_path, "garbage\n")) == AFFINITY
