"""tools/train.py survives being killed: SIGKILL loses at most the steps since the last checkpoint,
SIGTERM saves the current step and exits 0; a restart with the same workdir carries on."""

import re
import signal

import pytest

from tests.helpers_training import checkpoint_steps, latest_step, run_bounded, running, train_command, wait_until

EVERY = 5
NUM_STEPS = 60


def _resumed_step(output: str) -> int:
    match = re.search(r"resumed from \S+ckpt-(\d+) at step (\d+)", output)
    assert match, output[-3000:]
    assert match.group(1) == match.group(2)
    return int(match.group(2))


@pytest.mark.timeout(150)
def test_sigkill_then_restart_resumes_from_last_checkpoint(tmp_path):
    workdir = tmp_path / "run"
    cmd = train_command("pix2pix", workdir, train__num_steps=NUM_STEPS, train__checkpoint_every=EVERY,
                        train__keep_checkpoints=100, train__log_every=EVERY)
    with running(cmd, tmp_path / "first.log") as proc:
        wait_until(lambda: latest_step(workdir) >= 2 * EVERY, proc, 90, "a second checkpoint")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    killed_at, kept = latest_step(workdir), checkpoint_steps(workdir)
    assert 2 * EVERY <= killed_at < NUM_STEPS, "the run was not interrupted mid-way"

    second = run_bounded(cmd, timeout=90)
    assert second.returncode == 0, second.stderr[-3000:]
    assert _resumed_step(second.stderr) == killed_at
    assert f"done at step {NUM_STEPS}" in second.stderr
    steps = checkpoint_steps(workdir)
    assert kept <= steps, f"checkpoints lost on restart: {sorted(kept - steps)}"
    assert set(range(EVERY, NUM_STEPS + 1, EVERY)) <= steps
    assert latest_step(workdir) == NUM_STEPS


@pytest.mark.timeout(150)
def test_sigterm_saves_current_step_exits_zero_and_resumes(tmp_path):
    workdir = tmp_path / "run"
    # No periodic checkpoint before step 1000: the only checkpoint is the one the signal causes.
    cmd = train_command("pix2pix", workdir, train__num_steps=100000, train__checkpoint_every=1000)
    log = tmp_path / "first.log"
    with running(cmd, log) as proc:
        wait_until(lambda: "step 3/" in log.read_text(), proc, 90, "training step 3")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, log.read_text()[-3000:]
    output = log.read_text()
    stopped = int(re.search(r"stopped by signal 15 at step (\d+)", output).group(1))
    assert stopped >= 3 and checkpoint_steps(workdir) == {stopped} and latest_step(workdir) == stopped

    resumed = run_bounded(train_command("pix2pix", workdir, train__num_steps=stopped + 2), timeout=90)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert _resumed_step(resumed.stderr) == stopped
    assert f"done at step {stopped + 2}" in resumed.stderr
