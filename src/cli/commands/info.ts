// `webgpu-nn info`: the WebGPU adapter and the limits the engine relies on.
import type { Command } from 'commander';
import { init } from '../../tensor/device.js';

export function register(program: Command): void {
  program.command('info').description('print the WebGPU adapter and its limits').action(async () => {
    const { info, limits } = await init();
    console.log(`adapter: ${info.description}${info.isSoftware ? ' (software)' : ''}`);
    console.log(`maxStorageBufferBindingSize: ${limits.maxStorageBufferBindingSize}, maxComputeWorkgroupStorageSize: ${limits.maxComputeWorkgroupStorageSize}`);
    console.log(`features: ${info.features.join(', ')}`);
  });
}
