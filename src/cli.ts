#!/usr/bin/env node
// webgpu-nn command line: `info` prints the adapter; more commands arrive with the nn and data modules.
import { close, init } from './index.js';

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
    default:
      console.log('usage: webgpu-nn info');
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
    console.error(err.name === 'NoAdapterError' ? err.message : `webgpu-nn: ${err.message}`);
    process.exit(1);
  },
);
