"""Work spread out holds numpy's BLAS to one thread: its spare threads would spin against the other
workers and add up in another order."""

from __future__ import annotations

from threadpoolctl import threadpool_info

from devolve import scale


def blas_threads(state=None) -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_one_thread_holds_blas_to_one_thread_and_lets_go_after():
    import numpy  # noqa: F401 - loads the BLAS library whose threads are counted

    before = blas_threads()
    assert before, "numpy loaded no BLAS library that threadpoolctl can see"
    with scale.one_thread():
        assert blas_threads() == [1] * len(before)
    assert blas_threads() == before


def test_pieces_run_here_run_on_one_blas_thread():
    each = scale.run_each(blas_threads, [(), ()], workers=1)
    assert len(each) == 2 and all(threads and set(threads) == {1} for threads in each)
