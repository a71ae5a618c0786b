// What several commands share: the command line as typed (for results.json), opening the device, progress-bar
// verbosity, and marking the run in progress as stopped when the process is interrupted.
import { InvalidArgumentError } from 'commander';
import { init } from '../../tensor/device.js';
import { activeRun } from '../experiments/session.js';
import { UsageError } from '../options.js';
import { stopAtNextStep } from '../../nn/resume.js';

let currentArgv: readonly string[] = process.argv.slice(2);
/** main() records the arguments it parses (they differ from process.argv when the CLI runs in-process). */
export function setArgv(argv: readonly string[]): void {
  currentArgv = argv;
}

/** `webgpu-nn experiment mnist-cnn --out runs/x` with arguments quoted where the shell would need it. */
export function commandLine(argv = currentArgv): string {
  const q = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['webgpu-nn', ...argv.map(q)].join(' ');
}

/** Opens the GPU and returns the adapter's description, e.g. 'llvmpipe (LLVM 15.0.6, 256 bits) (software)'. */
export async function openDevice(): Promise<string> {
  const { info } = await init();
  return `${info.description}${info.isSoftware ? ' (software)' : ''}`;
}

/** A progress bar on a terminal, one line per epoch otherwise (logs, nohup). */
export const verbosity = (): 1 | 2 => (process.stdout.isTTY ? 1 : 2);

/** A UsageError-throwing check as a commander argument parser (so the message names the option). */
export function asParser<T>(check: (raw: string) => T): (raw: string) => T {
  return (raw) => {
    try {
      return check(raw);
    } catch (err) {
      if (err instanceof UsageError) throw new InvalidArgumentError(`${err.message[0]!.toUpperCase()}${err.message.slice(1)}.`);
      throw err;
    }
  };
}

let signalsHandled = false;

/** Records the run in progress as stopped by `sig` and says so on stderr. */
function markStopped(sig: string, how: string): void {
  const w = activeRun;
  if (!w) return;
  w.result.status = 'stopped';
  w.result.stopped_by = 'signal';
  w.result.note = `${sig} after ${w.result.epochs_run} epoch(s), ${how}; the test set was not evaluated (--resume continues)`;
  if (w.parent) w.parent.status = 'stopped';
  try {
    w.writeTables();
  } catch {
    // nothing more can be done while exiting
  }
  console.error(`\nwebgpu-nn: ${sig}: ${w.dir}/results.json records ${w.result.epochs_run} epoch(s), status 'stopped'`);
}

/**
 * On SIGINT/SIGTERM the training in progress finishes its step and writes a checkpoint there, then the run is
 * written as stopped (stopped_by 'signal') and the process exits.
 */
export function markStoppedOnSignal(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, async () => {
      // A second signal, or a minute without the checkpoint, ends the process at once.
      const code = sig === 'SIGINT' ? 130 : 143;
      process.once(sig, () => process.exit(code));
      // A step (or an autotune pass) that outlasts a minute: the results still say the run stopped, and the last
      // periodic checkpoint (every epoch and every 5 minutes) is what --resume continues from.
      setTimeout(() => {
        markStopped(sig, 'no checkpoint could be written within a minute, so --resume continues from the last periodic one');
        process.exit(code);
      }, 60_000).unref();
      await stopAtNextStep();
      markStopped(sig, 'checkpoint written at the step it came');
      process.exit(code);
    });
  }
}
