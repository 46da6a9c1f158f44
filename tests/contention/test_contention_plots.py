"""Every plot has a title, labelled axes with units, and a caption; PNGs are written."""
from __future__ import annotations

import pytest

from course.contention import caption, plot_all
from course.contention import plots



def _check(fig):
    title = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    axes = fig.get_axes()
    assert axes
    assert title or all(ax.get_title() for ax in axes)
    for ax in axes:
        assert ax.get_xlabel()
    assert axes[0].get_ylabel()
    assert "(" in axes[0].get_ylabel(), "y label gives a unit in parentheses"
    text = caption(fig)
    assert isinstance(text, str) and len(text) > 40


def test_plot_all_from_a_sweep(tiny_default, tmp_path):
    figs = plot_all(tiny_default, tmp_path)
    assert {"throughput", "ns_per_op", "usl", "lost_updates", "placement_lock",
            "wait_hold_lock", "queues"} <= set(figs)
    for name, fig in figs.items():
        _check(fig)
        png = tmp_path / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_each_plot_function(tiny_default):
    res = tiny_default
    for fig in (plots.plot_throughput(res), plots.plot_ns_per_op(res),
                plots.plot_usl(res, "lock"), plots.plot_usl(res, "lock", sweep="placement",
                                                            work=(0, 20)),
                plots.plot_lost_updates(res.rows), plots.plot_wait_hold(res),
                plots.plot_work_placement(res.rows), plots.plot_queues(res)):
        _check(fig)
    assert "USL" in plots.usl_for(res, "sharded").describe()


def test_wait_hold_needs_worker_rows(tiny_default):
    with pytest.raises(ValueError):
        plots.plot_wait_hold(tiny_default.rows)
    assert caption(object()) == ""
