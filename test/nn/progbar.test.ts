// The progress bar's exact output with a fake clock (TTY redraws and the one-line-per-epoch form), and Python's
// number formatting that Keras's callbacks rely on.
import { describe, expect, it } from 'vitest';
import { Progbar, ProgbarLogger, pyFloatRepr, pyFormat } from '../../src/nn/callbacks/index.js';
import { pyExp } from '../../src/nn/callbacks/pyformat.js';
import { FakeModel, scriptedFit } from './fake_model.js';

class Capture {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

/** A clock that advances by `step` seconds on every read after the first. */
function ticking(step: number): () => number {
  let t = 100;
  return () => (t += step) - step;
}

describe('progress bar', () => {
  it('Keras: one line per epoch when stdout is not a TTY', async () => {
    const out = new Capture(false);
    const model = new FakeModel();
    // The clock is read when each epoch's bar starts and when it is finalised: 0.1 s per epoch of 10 steps.
    const bar = new ProgbarLogger({ stream: out, now: ticking(0.1) });
    await scriptedFit(model, [], {
      verbose: 2, steps: 10, progbar: bar,
      epochs: [{ loss: 0.51234, accuracy: 0.9, val_loss: 0.0001234, val_accuracy: 0.95 }, { loss: 0.4, accuracy: 0.91, val_loss: 0.3, val_accuracy: 0.96 }],
      batchLogs: () => ({ loss: 1, accuracy: 0 }),
    });
    expect(out.text).toBe(
      'Epoch 1/2\n10/10 - 0s - loss: 0.5123 - accuracy: 0.9000 - val_loss: 1.2340e-04 - val_accuracy: 0.9500 - 100ms/epoch - 10ms/step\n' +
      'Epoch 2/2\n10/10 - 0s - loss: 0.4000 - accuracy: 0.9100 - val_loss: 0.3000 - val_accuracy: 0.9600 - 100ms/epoch - 10ms/step\n');
    model.dispose();
  });

  it('an epoch cut short (time limit) shows the steps it ran and their ms/step, not the target', async () => {
    const out = new Capture(false);
    const model = new FakeModel();
    const bar = new ProgbarLogger({ stream: out, now: ticking(0.1) });
    await scriptedFit(model, [], { verbose: 2, steps: 10, stepsRun: 4, progbar: bar, epochs: [{ loss: 0.5 }] });
    expect(out.text).toBe(' 4/10 - 0s - loss: 0.5000 - 100ms/epoch - 25ms/step\n');
    model.dispose();
  });

  it('Keras: redraws in place on a TTY with ETA, then ends the line with the total time and ms/step', () => {
    const out = new Capture(true);
    const clock = ticking(0.5);
    const bar = new Progbar(4, { stream: out, now: clock, width: 10 });
    bar.update(1, { loss: 0.9 });
    bar.update(2, { loss: 0.8 });
    bar.update(3, { loss: 0.7 });
    bar.update(4, { loss: 0.6, val_loss: 0.5 });
    const frames = out.text.split('\r').slice(1);
    expect(frames[0]).toBe('1/4 [=>........] - ETA: 1s - loss: 0.9000');
    expect(frames[1]).toBe('2/4 [====>.....] - ETA: 1s - loss: 0.8000');
    expect(frames[2]).toBe('3/4 [======>...] - ETA: 0s - loss: 0.7000');
    expect(frames[3]).toBe('4/4 [==========] - 2s 500ms/step - loss: 0.6000 - val_loss: 0.5000\n');
  });

  it('skips redraws inside the refresh interval and pads over a longer previous line', () => {
    const out = new Capture(true);
    let t = 0;
    const bar = new Progbar(100, { stream: out, now: () => t, width: 10, interval: 0.05 });
    t = 2;
    bar.update(1, { loss: 123.456, accuracy: 0.5 }); // 2 s/step: ETA 198 s -> '3:18'
    t = 2.01;
    expect(bar.wouldRedraw()).toBe(false);
    bar.update(2, {});
    expect(out.text.split('\r')).toHaveLength(2);
    t = 2.2;
    expect(bar.wouldRedraw()).toBe(true);
    bar.update(99); // ETA well under a second: '0s' is two characters shorter than '3:18'
    const frames = out.text.split('\r').slice(1);
    expect(frames[0]).toBe('  1/100 [..........] - ETA: 3:18 - loss: 123.4560 - accuracy: 0.5000');
    expect(frames[1]).toBe(' 99/100 [========>.] - ETA: 0s - loss: 123.4560 - accuracy: 0.5000  ');
  });

  it('shows ETA in h:mm:ss beyond an hour and Unknown targets', () => {
    const out = new Capture(true);
    const bar = new Progbar(10000, { stream: out, now: ticking(1), width: 10 });
    bar.update(1);
    bar.update(2);
    expect(out.text.split('\r').at(-1)).toBe('    2/10000 [..........] - ETA: 2:46:38');
    const u = new Capture(true);
    new Progbar(null, { stream: u, now: ticking(0.01) }).update(5, { loss: 1 });
    expect(u.text).toBe('\r      5/Unknown - 0s 2ms/step - loss: 1.0000');
  });
});

describe('Python formatting', () => {
  it('repr(float) as Python prints it', () => {
    const cases: Array<[number, string]> = [
      [0.1, '0.1'], [2, '2.0'], [-0.5, '-0.5'], [1e-5, '1e-05'], [0.0001, '0.0001'], [1.5e-7, '1.5e-07'], [1e16, '1e+16'],
      [1e15, '1000000000000000.0'], [123.456, '123.456'], [0.30000001192092896, '0.30000001192092896'], [NaN, 'nan'],
      [-Infinity, '-inf'], [0, '0.0'], [12345678901234567890, '1.2345678901234567e+19'], [5e-324, '5e-324'],
    ];
    for (const [x, s] of cases) expect(pyFloatRepr(x), String(x)).toBe(s);
    expect(pyExp(0.000123456, 4)).toBe('1.2346e-04');
    expect(pyExp(-12345, 2)).toBe('-1.23e+04');
  });

  it('str.format fields as ModelCheckpoint uses them', () => {
    const ints = new Set(['epoch']);
    const f = (t: string, v: Record<string, number | string>): string => pyFormat(t, v, ints);
    expect(f('{epoch:02d}', { epoch: 5 })).toBe('05');
    expect(f('{epoch:03}', { epoch: 5 })).toBe('005');
    expect(f('{epoch}', { epoch: 12 })).toBe('12');
    expect(f('{x:.4f}', { x: 0.123456 })).toBe('0.1235');
    expect(f('{x:.2e}', { x: 12345.678 })).toBe('1.23e+04');
    expect(f('{x:g}', { x: 0.0001 })).toBe('0.0001');
    expect(f('{x:g}', { x: 1e-5 })).toBe('1e-05');
    expect(f('{x:g}', { x: 123456789 })).toBe('1.23457e+08');
    expect(f('{x:g}', { x: 2.5 })).toBe('2.5');
    expect(f('{x:>8.2f}|{x:<7.1f}|{x:^9.2f}', { x: 3.14159 })).toBe('    3.14|3.1    |  3.14   ');
    expect(f('{x:+.1f} {y:08.3f}', { x: 3.14159, y: -2.5 })).toBe('+3.1 -002.500');
    expect(f('{x:.1%}', { x: 0.256 })).toBe('25.6%');
    expect(f('{x}', { x: 3 })).toBe('3.0');
    expect(f('{x:.3}', { x: 1 })).toBe('1.0');
    expect(f('{x:.3}', { x: 3.14159 })).toBe('3.14');
    expect(f('{{literal}} {s}', { s: 'ok' })).toBe('{literal} ok');
    expect(() => f('{x:d}', { x: 0.5 })).toThrow(/Unknown format code 'd' for object of type 'float'/);
    expect(() => f('{missing}', {})).toThrow(/KeyError: 'missing'/);
    expect(() => f('{x', { x: 1 })).toThrow(/Single '\{'/);
  });
});
