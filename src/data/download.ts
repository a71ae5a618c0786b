// Installs CIFAR-10 (binary version) for users with internet: download to a .part file, verify the MD5 published
// with the dataset before anything is extracted, then extract with our own tar reader. A local copy of the archive
// can be given instead of downloading (machines without internet).

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CIFAR10_BATCHES_DIR } from './cifar.js';
import { DataError } from './errors.js';
import { gunzip, isGzip } from './idx.js';
import { extractTar } from './tar.js';

export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
const ARCHIVE_NAME = 'cifar-10-binary.tar.gz';
const EXPECTED_FILES = ['data_batch_1.bin', 'data_batch_5.bin', 'test_batch.bin', 'batches.meta.txt'];

export interface InstallCifar10Options {
  /** Destination: the batches land in DIR/cifar-10-batches-bin/. */
  dir: string;
  /** A local cifar-10-binary.tar.gz to verify and extract instead of downloading. */
  archive?: string;
  url?: string;
  /** Expected MD5 of the archive (hex). */
  md5?: string;
  /** The fetch implementation (tests pass a fake one; nothing here touches the network otherwise). */
  fetch?: (url: string) => Promise<Response>;
  log?: (line: string) => void;
}

/** Hex MD5 of a file, streamed. */
export async function md5File(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function download(url: string, dest: string, fetchImpl: (url: string) => Promise<Response>, log: (l: string) => void): Promise<void> {
  const hint = `Check the internet connection, or download ${url} elsewhere and pass it with --archive FILE.`;
  let res: Response;
  try {
    res = await fetchImpl(url);
  } catch (err) {
    // Node's fetch says only 'fetch failed'; the reason (ENOTFOUND, ECONNREFUSED...) is in its cause.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause ? `${(err as Error).message}: ${cause.code ?? cause.message}` : (err as Error).message;
    throw new DataError(url, 'a download', `a network error (${why})`, hint, 'cifar10');
  }
  if (!res.ok || !res.body) throw new DataError(url, 'HTTP 200', `HTTP ${res.status} ${res.statusText}`, hint, 'cifar10');
  const total = Number(res.headers.get('content-length')) || 0;
  const part = `${dest}.part`;
  const out = createWriteStream(part);
  let got = 0, shown = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      got += chunk.length;
      const tenths = total ? Math.floor((got / total) * 10) : 0;
      if (tenths > shown) log(`  ${(shown = tenths) * 10}% of ${(total / 1e6).toFixed(0)} MB`);
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    out.destroy();
    await rm(part, { force: true });
    throw new DataError(url, 'a complete download', `it stopped after ${got} bytes (${(err as Error).message})`, hint, 'cifar10');
  }
  await rename(part, dest);
}

/**
 * Downloads (or takes `archive`), verifies the MD5 and extracts CIFAR-10's binary version under `dir`.
 * Does nothing when the batches are already there.
 * @returns the folder holding the batch files (pass `dir` to loadCifar10).
 * @throws DataError on a network failure, an MD5 mismatch (nothing is extracted then) or a damaged archive.
 */
export async function installCifar10(o: InstallCifar10Options): Promise<string> {
  const log = o.log ?? (() => {});
  const url = o.url ?? CIFAR10_URL, md5 = (o.md5 ?? CIFAR10_MD5).toLowerCase();
  const batches = join(o.dir, CIFAR10_BATCHES_DIR);
  if (EXPECTED_FILES.every((f) => existsSync(join(batches, f)))) {
    log(`CIFAR-10 is already in ${batches}`);
    return batches;
  }
  await mkdir(o.dir, { recursive: true });
  const archive = o.archive ?? join(o.dir, ARCHIVE_NAME);
  const downloaded = !o.archive && !existsSync(archive);
  if (downloaded) {
    log(`downloading ${url}`);
    await download(url, archive, o.fetch ?? fetch, log);
  } else if (!existsSync(archive)) {
    throw new DataError(archive, `the ${ARCHIVE_NAME} archive`, 'no such file', `Download it from ${url}.`, 'cifar10');
  }
  const got = await md5File(archive);
  if (got !== md5) {
    if (downloaded) await rm(archive, { force: true });
    const hint = downloaded ? 'The download was corrupt and has been deleted: run the command again.'
      : `This is not the official ${ARCHIVE_NAME} (or it is damaged): download it again from ${url}.`;
    throw new DataError(archive, `MD5 ${md5}`, `MD5 ${got}`, hint, 'cifar10');
  }
  log(`MD5 ok; extracting to ${o.dir}`);
  let bytes: Uint8Array = await readFile(archive);
  if (isGzip(bytes)) bytes = gunzip(bytes, archive, 'cifar10', `Download it again from ${url}.`);
  await extractTar(bytes, o.dir, archive);
  const missing = EXPECTED_FILES.filter((f) => !existsSync(join(batches, f)));
  if (missing.length) {
    throw new DataError(archive, `${CIFAR10_BATCHES_DIR}/ with ${EXPECTED_FILES.join(', ')}`, `no ${missing.join(', ')} in it`,
      `Download the binary version from ${url}.`, 'cifar10');
  }
  log(`CIFAR-10 is in ${batches}`);
  return batches;
}
