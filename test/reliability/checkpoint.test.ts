// Checkpoints are never lost: a non-finite epoch (NaN loss) does not write its weights over the last finite
// checkpoint (before: TerminateOnNaN stopped training but the epoch-end save still wrote NaN weights).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { ModelCheckpoint } from '../../src/nn/callbacks/index.js';
import { readSafetensors, entryValues } from '../../src/nn/safetensors.js';
import { FakeModel } from '../nn/fake_model.js';

describe('ModelCheckpoint and non-finite models', () => {
  it('a NaN loss does not overwrite the finite checkpoint; the skip is reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgnn-ckpt-'));
    const path = join(dir, 'w.safetensors');
    const printed: string[] = [];
    const cb = new ModelCheckpoint(path, { saveWeightsOnly: true, print: (s) => void printed.push(s) });
    const model = new FakeModel();
    cb.setModel(model);
    nn.writeInto(model.w, new Float32Array([1, 2, 3]));
    await cb.onEpochEnd(0, { loss: 0.5 });
    nn.writeInto(model.w, new Float32Array([NaN, 2, 3]));
    await cb.onEpochEnd(1, { loss: NaN });
    const file = await readSafetensors(path);
    expect(Array.from(entryValues(file.tensors.get('dense/kernel')!))).toEqual([1, 2, 3]);
    expect(cb.saved).toEqual([path]);
    expect(printed.join('')).toContain('Epoch 2: loss is NaN, not saving the model to');
    model.w.dispose();
  });
});

describe('stale temp files', () => {
  it('a save removes the temp files a killed earlier save left (dead pid) and keeps a live writer\'s', async () => {
    const { writeFileSync, existsSync } = await import('node:fs');
    const { saveSafetensors } = await import('../../src/nn/safetensors.js');
    const dir = mkdtempSync(join(tmpdir(), 'wgnn-tmp-'));
    const path = join(dir, 'w.safetensors');
    const stale = join(dir, '.w.safetensors.2147483646.deadbeef.tmp');
    const live = join(dir, `.w.safetensors.${process.pid}.0badf00d.tmp`);
    writeFileSync(stale, 'half-written');
    writeFileSync(live, 'being written');
    const t = nn.tensor([1, 2], [2]);
    await saveSafetensors(path, [{ name: 't', tensor: t }]);
    t.dispose();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(path)).toBe(true);
  });
});
