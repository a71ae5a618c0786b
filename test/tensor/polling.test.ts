// The backed-off poll: Dawn's native callbacks move to a timer after a short spin; everything else keeps setImmediate.
import { describe, expect, it } from 'vitest';
import { add, init, tensor } from '../../src/index.js';
import { isDawnCallback, politeSetImmediate } from '../../src/tensor/polling.js';

// Function.prototype is a native function with an empty name, as Dawn's N-API callbacks are.
const nativeAnonymous = Function.prototype as unknown as () => void;

describe('polite polling', () => {
  it('recognises native anonymous callbacks only', () => {
    expect(isDawnCallback(nativeAnonymous)).toBe(true);
    expect(isDawnCallback(() => {})).toBe(false);
    expect(isDawnCallback(Math.max)).toBe(false); // native, but named
  });

  it('spins for the first half millisecond of a wait, then uses the timer; a new wait spins again', () => {
    let t = 0;
    const used: string[] = [];
    const poll = politeSetImmediate(() => used.push('immediate'), () => used.push('timer'), () => t);
    for (const at of [0, 0.2, 0.4, 0.6, 1.6, 2.6]) { t = at; poll(nativeAnonymous); }
    t = 20; // a gap: the previous wait ended
    poll(nativeAnonymous);
    t = 20.7;
    poll(() => {}); // our own callbacks are never moved
    poll(nativeAnonymous);
    expect(used).toEqual(['immediate', 'immediate', 'immediate', 'timer', 'timer', 'timer', 'immediate', 'immediate', 'timer']);
  });

  it('is installed with the device, and readbacks still resolve', async () => {
    await init();
    expect(globalThis.setImmediate.name).not.toBe('setImmediate');
    const x = tensor([1, 2, 3], [3]);
    const y = add(x, x);
    expect(Array.from(await y.data())).toEqual([2, 4, 6]);
    x.dispose();
    y.dispose();
  });
});
