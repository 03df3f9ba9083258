"""One trainer per run folder: a second tools/train.py on a folder in use exits at once with one
line naming the folder and the holder's process id; a holder killed with SIGKILL leaves no stale
lock; the workers of one multi-worker job lock separate roles. The holders are small processes
that only take the lock, not trainings."""

import signal
import subprocess
import sys

import pytest

from tests.helpers_training import REPO, run_bounded, subprocess_env, train_command
from tf_i2i.training.run_lock import RunFolderBusy, RunLock

HOLD = "import sys, time; from tf_i2i.training.run_lock import RunLock; " \
       "lock = RunLock(sys.argv[1], sys.argv[2]).__enter__(); print('locked', flush=True); time.sleep(300)"


def _holder(workdir, role="chief") -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(workdir), role], cwd=REPO, env=subprocess_env(),
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.fixture
def holder(tmp_path):
    proc = _holder(tmp_path)
    yield proc
    proc.kill()
    proc.wait()


@pytest.mark.timeout(60)
def test_a_second_writer_is_refused_naming_folder_and_holder_pid(tmp_path, holder):
    with pytest.raises(RunFolderBusy, match=rf"run folder {tmp_path} is in use .*process id {holder.pid}\b"):
        with RunLock(tmp_path):
            pass
    with RunLock(tmp_path, "worker1"):  # another worker of a multi-worker job: its own role
        pass


@pytest.mark.timeout(60)
def test_a_sigkilled_holder_leaves_no_stale_lock(tmp_path, holder):
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert (tmp_path / "train.lock").read_text().strip() == str(holder.pid)  # the file stays, the lock does not
    with RunLock(tmp_path) as lock:
        assert lock.path.read_text().strip() != str(holder.pid)


@pytest.mark.timeout(120)
def test_train_tool_on_a_folder_in_use_exits_2_with_one_line_before_writing(tmp_path, holder):
    result = run_bounded(train_command("pix2pix", tmp_path), timeout=100)
    assert result.returncode == 2, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: run folder {tmp_path} is in use by another trainer (process id {holder.pid}, "
                      f"lock train.lock); wait for it to finish or use another --workdir"], result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.lock"]
