#!/usr/bin/env node
// webgpu-nn command line: `info` prints the adapter, `demo` trains the MNIST MLP, `data` installs and caches
// datasets. Every path ends in process.exit: Dawn keeps the event loop alive.
import { close, init, installCifar10, loadImageFolder, type ColorMode } from '../index.js';
import { demo } from './demo.js';
import { option } from './args.js';

const USAGE = `usage: webgpu-nn info                         the WebGPU adapter and its limits
       webgpu-nn demo [--epochs N] [--batch-size N]
                                     train the notebook's MLP on MNIST and print its test accuracy (fails below 90%)
       webgpu-nn data cifar10 --dir DIR [--archive cifar-10-binary.tar.gz]   download (or take) CIFAR-10, check its MD5, extract
       webgpu-nn data folder SOURCE [--color rgb|grayscale|rgba] [--cache-dir DIR]
                                     decode SOURCE/<split>/<class>/*.jpg|png (folder or .tar.gz) into the cache, print stats`;

/** Loads an image folder (filling the cache) and prints per split its size, channel means and the load time. */
async function folder(source: string, argv: string[]): Promise<number> {
  const t0 = performance.now();
  const r = await loadImageFolder(source, { colorMode: option(argv, 'color') as ColorMode | undefined, cacheDir: option(argv, 'cache-dir') });
  const ms = performance.now() - t0;
  console.log(`classes: ${r.classNames.join(', ')}`);
  for (const [split, set] of Object.entries(r.sets)) {
    const c = set.shape[3]!, sums = new Array<number>(c).fill(0);
    for (let i = 0; i < set.images.length; i++) sums[i % c]! += set.images[i]!;
    const means = sums.map((v) => (v / (set.images.length / c)).toFixed(2)).join('/');
    console.log(`${split}: [${set.shape.join(', ')}], channel means ${means}`);
  }
  console.log(`loaded in ${(ms / 1000).toFixed(2)} s ${r.cached ? 'from the cache' : 'by decoding'} (${r.cacheFiles.join(', ') || 'no cache'})`);
  if (r.cacheWarning) console.log(`warning: ${r.cacheWarning}`);
  return 0;
}

async function data(argv: string[]): Promise<number> {
  const [dataset] = argv;
  if (dataset === 'folder' && argv[1]) return folder(argv[1], argv.slice(2));
  const dir = option(argv, 'dir');
  if (dataset !== 'cifar10' || !dir) {
    console.error(USAGE);
    return 2;
  }
  const batches = await installCifar10({ dir, archive: option(argv, 'archive'), log: (line) => console.log(line) });
  console.log(`load it with loadCifar10('${dir}') (batches in ${batches})`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [cmd = 'help'] = argv;
  switch (cmd) {
    case 'info': {
      const { info, limits } = await init();
      console.log(`adapter: ${info.description}${info.isSoftware ? ' (software)' : ''}`);
      console.log(`maxStorageBufferBindingSize: ${limits.maxStorageBufferBindingSize}, maxComputeWorkgroupStorageSize: ${limits.maxComputeWorkgroupStorageSize}`);
      console.log(`features: ${info.features.join(', ')}`);
      return 0;
    }
    case 'data':
      return data(argv.slice(1));
    case 'demo':
      return demo(argv.slice(1));
    default:
      console.log(USAGE);
      return cmd === 'help' ? 0 : 2;
  }
}

// Dawn keeps the event loop alive, so the process exits explicitly.
main(process.argv.slice(2)).then(
  (code) => {
    close();
    process.exit(code);
  },
  (err: Error) => {
    console.error(err.name === 'NoAdapterError' || err.name === 'DataError' ? err.message : `webgpu-nn: ${err.message}`);
    process.exit(1);
  },
);
