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


def test_a_piece_ending_leaves_blas_on_one_thread_for_a_piece_still_running():
    import threading

    import numpy  # noqa: F401 - loads the BLAS library whose threads are counted

    before = blas_threads()
    second_in, first_out = threading.Event(), threading.Event()
    seen: list[list[int]] = []

    def second() -> None:
        with scale.one_thread():
            second_in.set()
            first_out.wait(10)  # the piece that came in first has finished; this one has not
            seen.append(blas_threads())

    def first() -> None:
        with scale.one_thread():
            helper = threading.Thread(target=second)
            helper.start()
            second_in.wait(10)
        first_out.set()
        helper.join()

    worker = threading.Thread(target=first)
    worker.start()
    worker.join(30)
    assert seen == [[1] * len(before)]
    assert blas_threads() == before  # the last piece out lets go


def test_a_piece_in_another_thread_after_one_here_is_held_to_one_thread_too():
    # threadpoolctl lets only the thread that last changed OpenBLAS's limit change it: an app
    # session's thread after a piece run in the main thread would otherwise be silently ignored
    import threading

    import numpy  # noqa: F401 - loads the BLAS library whose threads are counted

    with scale.one_thread():
        pass
    seen: list[list[int]] = []
    worker = threading.Thread(target=lambda: scale.run_each(lambda state: seen.append(blas_threads()), [()], workers=1))
    worker.start()
    worker.join(30)
    assert seen and set(seen[0]) == {1}
