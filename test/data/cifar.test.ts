// CIFAR-10 binary reader, the tar reader and the install path (MD5 check before extraction) on small generated
// archives. A fake fetch serves them: nothing here touches the network.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CIFAR10_MD5, CIFAR10_URL, DataError, extractTar, installCifar10, loadCifar10, tarEntries,
} from '../../src/data/index.js';
import { cifarRecords, gz, pixel, tarBytes, tempDir, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

const CLASSES = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n';
const TRAIN_LABELS = [[0, 1], [2, 3], [4], [5, 6], [7, 8, 9]];
const TEST_LABELS = [9, 0, 5];

/** The files of cifar-10-batches-bin with 1-3 records each. */
function cifarFiles(edit: Record<string, Uint8Array | null> = {}): Array<[string, Uint8Array]> {
  const files: Record<string, Uint8Array | null> = { 'batches.meta.txt': new TextEncoder().encode(CLASSES), ...edit };
  const add = (name: string, labels: number[]): void => { if (!(name in files)) files[name] = cifarRecords(labels); };
  TRAIN_LABELS.forEach((l, i) => add(`data_batch_${i + 1}.bin`, l));
  add('test_batch.bin', TEST_LABELS);
  return Object.entries(files).filter((e): e is [string, Uint8Array] => e[1] !== null);
}

function cifarDir(edit: Record<string, Uint8Array | null> = {}): string {
  const dir = tempDir('cifar');
  mkdirSync(join(dir, 'cifar-10-batches-bin'));
  for (const [name, bytes] of cifarFiles(edit)) writeFileSync(join(dir, 'cifar-10-batches-bin', name), bytes);
  return dir;
}

async function dataError(p: Promise<unknown>): Promise<DataError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe('CIFAR-10 binary reader', () => {
  it('converts planar records to NHWC uint8 and reads class names', async () => {
    const dir = cifarDir();
    for (const d of [dir, join(dir, 'cifar-10-batches-bin')]) {
      const { train, test } = await loadCifar10(d);
      expect(train.shape).toEqual([10, 32, 32, 3]);
      expect(test.shape).toEqual([3, 32, 32, 3]);
      expect(Array.from(train.labels)).toEqual(TRAIN_LABELS.flat());
      expect(Array.from(test.labels)).toEqual(TEST_LABELS);
      expect(train.classNames).toEqual(CLASSES.trim().split('\n'));
      // Training image 2 is the first record of data_batch_2; pixel (row 5, col 7), channel c.
      const p = 5 * 32 + 7;
      for (let c = 0; c < 3; c++) expect(train.images[(2 * 1024 + p) * 3 + c]).toBe(pixel(0, c * 1024 + p));
      expect(test.images[(2 * 1024 + 1023) * 3 + 2]).toBe(pixel(2, 2 * 1024 + 1023));
    }
  });

  const cases: Array<[string, Record<string, Uint8Array | null>, RegExp]> = [
    ['a truncated batch', { 'data_batch_3.bin': cifarRecords([1, 2]).subarray(0, 5000) },
      /data_batch_3\.bin: expected a whole number of 3073-byte records .*, found 5000 bytes \(1 records and 1927 bytes over/],
    ['an empty batch', { 'test_batch.bin': new Uint8Array(0) }, /test_batch\.bin: expected a whole number of 3073-byte records.*found 0 bytes/],
    ['a label out of range', { 'data_batch_5.bin': cifarRecords([1, 12]) }, /data_batch_5\.bin: expected labels in 0\.\.9, found label 12 in record 1/],
    ['a missing batch', { 'data_batch_4.bin': null }, /data_batch_4\.bin: expected CIFAR-10 records of 3073 bytes, found it cannot be read \(ENOENT\)/],
    ['a bad class list', { 'batches.meta.txt': new TextEncoder().encode('cat\ndog\n') }, /batches\.meta\.txt: expected 10 class names, one per line, found 2/],
  ];
  for (const [what, edit, message] of cases) {
    it(`throws one clear error for ${what}`, async () => {
      const dir = cifarDir(edit);
      const err = await dataError(loadCifar10(dir));
      expect(err.message).toMatch(message);
      expect(err.message).toMatch(/^cifar10: /);
      expect(err.message).toContain(`webgpu-nn data cifar10 --dir ${dir}`);
    });
  }

  it('says how to get the data when the directory is missing', async () => {
    const err = await dataError(loadCifar10('/nonexistent/cifar'));
    expect(err.message).toMatch(/\/nonexistent\/cifar: expected a directory .* found no such directory\. To get CIFAR-10: `webgpu-nn data cifar10/);
  });
});

describe('tar reader', () => {
  const long = `deep/${'x'.repeat(120)}/file.bin`;
  const archive = tarBytes([['top/', null], ['top/a.txt', new TextEncoder().encode('hello')], [long, Uint8Array.from([1, 2, 3])]]);

  it('walks files, directories and pax long names', () => {
    const entries = [...tarEntries(archive, 'a.tar')];
    expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([['top', 'directory', 0], ['top/a.txt', 'file', 5], [long, 'file', 3]]);
    expect(new TextDecoder().decode(entries[1]!.data)).toBe('hello');
  });

  it('rejects a damaged header and a truncated archive', () => {
    const bad = archive.slice();
    bad[600] ^= 0xff; // inside the second header's name
    expect(() => [...tarEntries(bad, 'bad.tar')]).toThrow(/tar: bad\.tar: expected a valid tar header at byte 512, found a bad header checksum/);
    expect(() => [...tarEntries(archive.subarray(0, 1026), 'cut.tar')]).toThrow(/cut\.tar: expected 5 bytes for entry 'top\/a\.txt', found 2 \(truncated\)/);
    expect(() => [...tarEntries(archive.subarray(0, 1536), 'cut.tar')]).toThrow(/expected an end-of-archive marker, found the archive ends at byte 1536/);
  });

  it('refuses to extract outside the destination', async () => {
    const evil = tarBytes([['../evil.txt', new Uint8Array(1)]]);
    await expect(extractTar(evil, tempDir('tar'), 'evil.tar')).rejects.toThrow(/expected entry paths inside the destination folder, found '\.\.\/evil\.txt'/);
  });

  const hasTar = spawnSync('tar', ['--version']).status === 0;
  it.skipIf(!hasTar)('reads what GNU tar writes (long names, gzip; skipped without a tar binary)', () => {
    const dir = tempDir('gnutar');
    const deep = join(dir, 'src', 'd'.repeat(90), 'e'.repeat(90));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'f.txt'), 'gnu');
    expect(spawnSync('tar', ['czf', join(dir, 'a.tgz'), '-C', dir, 'src']).status).toBe(0);
    const bytes = new Uint8Array(readFileSync(join(dir, 'a.tgz')));
    const files = [...tarEntries(gunzipSync(bytes), 'a.tgz')].filter((e) => e.type === 'file');
    expect(files.map((e) => e.name)).toEqual([`src/${'d'.repeat(90)}/${'e'.repeat(90)}/f.txt`]);
    expect(new TextDecoder().decode(files[0]!.data)).toBe('gnu');
  });
});

describe('installCifar10 (webgpu-nn data cifar10)', () => {
  const archive = gz(tarBytes([['cifar-10-batches-bin/', null], ...cifarFiles().map(([n, b]): [string, Uint8Array] => [`cifar-10-batches-bin/${n}`, b])]));
  const md5 = createHash('md5').update(archive).digest('hex');
  const fakeFetch = (body: Uint8Array, status = 200) => {
    const calls: string[] = [];
    const f = async (url: string): Promise<Response> => {
      calls.push(url);
      return new Response(body, { status, headers: { 'content-length': String(body.length) } });
    };
    return { f, calls };
  };

  it('downloads, checks the MD5, extracts, and then does nothing the second time', async () => {
    const dir = tempDir('install');
    const { f, calls } = fakeFetch(archive);
    const log: string[] = [];
    const batches = await installCifar10({ dir, md5, fetch: f, log: (l) => log.push(l) });
    expect(calls).toEqual([CIFAR10_URL]);
    expect(batches).toBe(join(dir, 'cifar-10-batches-bin'));
    expect(log.join('\n')).toMatch(/MD5 ok/);
    const { train, test } = await loadCifar10(dir);
    expect(train.shape).toEqual([10, 32, 32, 3]);
    expect(Array.from(test.labels)).toEqual(TEST_LABELS);
    await installCifar10({ dir, md5, fetch: f });
    expect(calls).toHaveLength(1);
  });

  it('refuses an archive whose MD5 differs, deletes it and extracts nothing', async () => {
    const dir = tempDir('install');
    const { f } = fakeFetch(archive);
    const err = await dataError(installCifar10({ dir, fetch: f }));
    expect(err.message).toContain(`expected MD5 ${CIFAR10_MD5}, found MD5 ${md5}`);
    expect(err.message).toMatch(/corrupt and has been deleted/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('verifies and extracts a local archive (--archive) without fetching', async () => {
    const dir = tempDir('install');
    const file = join(tempDir('archive'), 'cifar-10-binary.tar.gz');
    writeFileSync(file, archive);
    const { f, calls } = fakeFetch(new Uint8Array(0));
    const err = await dataError(installCifar10({ dir, archive: file, fetch: f }));
    expect(err.message).toMatch(/is not the official cifar-10-binary\.tar\.gz/);
    expect(existsSync(join(dir, 'cifar-10-batches-bin'))).toBe(false);
    await installCifar10({ dir, archive: file, md5, fetch: f });
    expect((await loadCifar10(dir)).train.shape[0]).toBe(10);
    expect(calls).toEqual([]);
  });

  it('explains network failures and HTTP errors', async () => {
    const offline = async (): Promise<Response> => { throw new Error('getaddrinfo ENOTFOUND'); };
    const e1 = await dataError(installCifar10({ dir: tempDir('install'), fetch: offline }));
    expect(e1.message).toMatch(/expected a download, found a network error \(getaddrinfo ENOTFOUND\)\. .*--archive FILE/);
    const e2 = await dataError(installCifar10({ dir: tempDir('install'), fetch: fakeFetch(new Uint8Array(1), 404).f }));
    expect(e2.message).toMatch(/expected HTTP 200, found HTTP 404/);
  });

  it('rejects a damaged archive that passes the MD5 it was given', async () => {
    const cut = archive.subarray(0, archive.length - 40);
    const dir = tempDir('install');
    const err = await dataError(installCifar10({ dir, md5: createHash('md5').update(cut).digest('hex'), fetch: fakeFetch(cut).f }));
    expect(err.message).toMatch(/expected a complete gzip stream/);
  });
});
