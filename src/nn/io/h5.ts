// HDF5 access through h5wasm (HDF5's C library compiled to WebAssembly; no native build): open for reading with
// HDF5's errors turned into one Error naming the file, string-list attributes as h5py writes them (fixed-length
// ASCII, possibly split into name0, name1, ... past HDF5's 64 KiB header limit), and float datasets as Float32.

import { existsSync, statSync } from 'node:fs';
import type { Dataset, File as H5File, Group } from 'h5wasm/node';

export type { Dataset, Group, H5File };

type H5Lib = typeof import('h5wasm/node');
let lib: H5Lib | null = null;
let loading: Promise<H5Lib> | null = null;

/** Loads the wasm module once, on first use (not at import); HDF5 errors then throw instead of printing. */
export function h5Ready(): Promise<H5Lib> {
  loading ??= import('h5wasm/node').then(async (m) => {
    const h5 = await m.default.ready;
    (h5 as unknown as { activate_throwing_error_handler(): number }).activate_throwing_error_handler();
    return (lib = m);
  });
  return loading;
}

/** Whether an entry of an open file is a group / a dataset (the library is loaded by then). */
export const isGroup = (x: unknown): x is Group => lib !== null && x instanceof lib.Group;
export const isDataset = (x: unknown): x is Dataset => lib !== null && x instanceof lib.Dataset;

/** The innermost HDF5 reason of an error stack ('File has been truncated'), or the message itself. */
export function hdf5Reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const minors = [...text.matchAll(/minor: (.+)/g)].map((m) => m[1]!.trim());
  return minors.length ? minors[minors.length - 1]! : text.split('\n')[0]!;
}

/** Opens `path` for reading; a missing file, a directory or a file HDF5 refuses is one clear error. */
export async function openH5(path: string, what: string): Promise<H5File> {
  const h5 = await h5Ready();
  if (!existsSync(path)) throw new Error(`${what}: ${path} does not exist`);
  if (statSync(path).isDirectory()) throw new Error(`${what}: ${path} is a directory, not an HDF5 file`);
  let f: H5File;
  try {
    f = new h5.File(path, 'r');
  } catch (e) {
    throw new Error(`${what}: ${path} is not a readable HDF5 file (${hdf5Reason(e)})`);
  }
  if (typeof f.file_id !== 'bigint' || f.file_id < 0n) throw new Error(`${what}: ${path} is not a readable HDF5 file`);
  return f;
}

/** Creates (truncates) `path` for writing. */
export async function createH5(path: string): Promise<H5File> {
  return new (await h5Ready()).File(path, 'w');
}

/** Runs `fn` on an open file and closes it, turning HDF5 errors into `what: path: reason`. */
export function withH5<T>(f: H5File, path: string, what: string, fn: (f: H5File) => T): T {
  try {
    return fn(f);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (msg.startsWith(`${what}:`)) throw e;
    throw new Error(`${what}: ${path}: cannot read the HDF5 contents (${hdf5Reason(e)})`);
  } finally {
    try { f.close(); } catch { /* already failed */ }
  }
}

function asStrings(value: unknown): string[] | null {
  if (ArrayBuffer.isView(value) && (value as unknown as ArrayLike<number>).length === 0) return [];   // numpy's empty float array
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : null;
  if (!list || !list.every((v) => typeof v === 'string')) return null;
  return list.map((v: string) => v.replace(/\0+$/, ''));
}

/**
 * A list-of-strings attribute (h5py's `attrs[name] = [b'a', b'b']`), joined back from h5py's chunks
 * `name0`, `name1`, ... when it was too long for one header. Undefined when absent.
 */
export function stringListAttr(obj: Group | Dataset, name: string, where: string): string[] | undefined {
  const attrs = obj.attrs;
  const parts = name in attrs ? [name] : Object.keys(attrs).filter((k) => new RegExp(`^${name}\\d+$`).test(k))
    .sort((a, b) => Number(a.slice(name.length)) - Number(b.slice(name.length)));
  if (!parts.length) return undefined;
  const out: string[] = [];
  for (const p of parts) {
    const list = asStrings(attrs[p]!.value);
    if (!list) throw new Error(`${where}: attribute '${p}' should be a list of strings but holds ${JSON.stringify(attrs[p]!.value)?.slice(0, 80)}`);
    out.push(...list);
  }
  return out;
}

/** A scalar string attribute (`backend`, `keras_version`), or undefined. */
export function stringAttr(obj: Group, name: string): string | undefined {
  const v = name in obj.attrs ? asStrings(obj.attrs[name]!.value) : null;
  return v?.length === 1 ? v[0] : undefined;
}

/** A float dataset's shape and values as Float32 (float16/32/64 and integer datasets are converted). */
export function readFloatDataset(d: Dataset, where: string): { shape: number[]; values: Float32Array } {
  const shape = d.shape ?? [];
  const count = shape.reduce((a, b) => a * b, 1);
  const v = d.value;
  const ok = ArrayBuffer.isView(v) && !(v instanceof DataView) && typeof (v as unknown as ArrayLike<unknown>)[0] !== 'bigint';
  if (!ok && !(typeof v === 'number' && count === 1)) throw new Error(`${where}: expected a numeric dataset but found ${d.dtype}`);
  const values = typeof v === 'number' ? Float32Array.of(v) : v instanceof Float32Array ? v : Float32Array.from(v as unknown as ArrayLike<number>);
  if (values.length !== count) throw new Error(`${where}: shape [${shape.join(', ')}] needs ${count} values but the dataset holds ${values.length}`);
  return { shape, values };
}

/** Writes strings as h5py does: one fixed-length ASCII array attribute (never split: our names stay short). */
export function writeStringList(obj: Group, name: string, list: readonly string[]): void {
  const width = Math.max(1, ...list.map((s) => Buffer.byteLength(s)));
  if (!list.length) obj.create_attribute(name, new Float64Array(0), [0], '<d');   // h5py: np.asarray([])
  else obj.create_attribute(name, [...list], [list.length], `S${width}`);
}
