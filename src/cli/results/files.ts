// Atomic file writes for run directories: write a temp file beside the target, then rename over it, so a run
// killed mid-write leaves the previous complete version, never a torn file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${process.pid}.${Date.now()}.tmp-${path.split('/').pop()}`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export const writeJson = (path: string, value: unknown): void => writeAtomic(path, JSON.stringify(value, null, 2) + '\n');

/** 'runs/mnist-cnn-2026-12-01T22-40-05' (UTC, filesystem-safe). */
export function defaultRunDir(name: string, date = new Date()): string {
  return join('runs', `${name}-${date.toISOString().slice(0, 19).replace(/:/g, '-')}`);
}
